import { describe, expect, it } from 'vitest';
import { parseGrant, requestTarget, sign, signaturesMatch, type UploadGrant } from '../../src/server/signing.js';

const grant: UploadGrant = {
  workspace: 'ws_abc',
  path: '/dir/a+b c~.txt',
  expires: 1_800_000_000,
  maxSizeBytes: 1024,
  contentType: 'text/plain; charset=utf-8',
};

describe('upload URL scheme', () => {
  it('encodes each path segment and the content type so re-encoding is detectable', () => {
    expect(requestTarget(grant)).toBe(
      '/v1/direct/ws_abc/dir/a%2Bb%20c~.txt?X-Fastio-Expires=1800000000&X-Fastio-Max-Size=1024&X-Fastio-Content-Type=text%2Fplain%3B+charset%3Dutf-8',
    );
    expect(requestTarget({ ...grant, lockId: 'lck_1' })).toMatch(/&X-Fastio-Lock=lck_1$/);
  });

  it.each(['/a', '/dir/a+b c~.txt', '/%2e%2e/x', '/q?x=1&y#z', '/ü/日本/emoji 😀', '/a\\b', "/'\"<>"])(
    'reads back the grant for %s',
    (path) => {
      expect(parseGrant(requestTarget({ ...grant, path, lockId: 'lck_x' }))).toEqual({ ...grant, path, lockId: 'lck_x' });
    },
  );

  it('returns undefined for targets it did not make', () => {
    for (const target of ['/v1/direct/ws', '/v1/direct/ws/a', '/v1/other/ws/a?X-Fastio-Expires=1', '/v1/direct/ws/%E0%A4%A?X-Fastio-Expires=1&X-Fastio-Max-Size=1&X-Fastio-Content-Type=a']) {
      expect(parseGrant(target)).toBeUndefined();
    }
  });

  it('signs method, exact target and Content-Type', () => {
    const target = requestTarget(grant);
    const good = sign('secret', 'PUT', target, grant.contentType);
    expect(signaturesMatch(good, good)).toBe(true);
    for (const other of [
      sign('other', 'PUT', target, grant.contentType),
      sign('secret', 'POST', target, grant.contentType),
      sign('secret', 'PUT', target.replace('%2B', '+'), grant.contentType),
      sign('secret', 'PUT', target, 'text/plain;charset=utf-8'),
    ]) {
      expect(signaturesMatch(good, other)).toBe(false);
    }
    expect(signaturesMatch(good, undefined)).toBe(false);
    expect(signaturesMatch(good, good.toUpperCase())).toBe(false);
    expect(signaturesMatch(good, good.slice(2))).toBe(false);
  });
});
