// SPEC 1.1, 1.3-1.5 against the built dev-server: validation, auth, locks,
// file status, CORS settings and webhook endpoints.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, presign, rawHttp, startDevServer, type DevServer } from '../helpers/dev-server.js';
import { makeSandbox, type Sandbox } from '../helpers/fastup.js';

let sandbox: Sandbox;
let server: DevServer;

beforeAll(async () => {
  sandbox = makeSandbox();
  server = await startDevServer(sandbox, ['--max-file-size', '1MiB']);
});

afterAll(async () => {
  await server?.stop();
  rmSync(sandbox.dir, { recursive: true, force: true });
});

const good = { path: '/uploads/report.pdf', contentType: 'application/pdf' };

describe('presign-upload validation', () => {
  const cases: [string, unknown, string][] = [
    ['path missing', { contentType: 'text/plain' }, 'path'],
    ['path not a string', { ...good, path: 42 }, 'path'],
    ['path relative', { ...good, path: 'uploads/a.txt' }, 'path'],
    ['path with ..', { ...good, path: '/a/../b.txt' }, 'path'],
    ['path with .', { ...good, path: '/a/./b.txt' }, 'path'],
    ['path with empty segment', { ...good, path: '/a//b.txt' }, 'path'],
    ['path with trailing /', { ...good, path: '/a/' }, 'path'],
    ['path naming no file', { ...good, path: '/' }, 'path'],
    ['path with NUL', { ...good, path: '/a\u0000b' }, 'path'],
    ['path with a control character', { ...good, path: '/a\u0007b' }, 'path'],
    ['path over 1024 bytes', { ...good, path: `/${'é'.repeat(512)}` }, 'path'],
    ['path with a 2000-byte segment', { ...good, path: `/${'a'.repeat(2000)}` }, 'path'],
    ['path with 10,000 segments', { ...good, path: '/a'.repeat(10_000) }, 'path'],
    ['contentType missing', { path: '/a.txt' }, 'contentType'],
    ['contentType without subtype', { ...good, contentType: 'pdf' }, 'contentType'],
    ['contentType with a broken parameter', { ...good, contentType: 'text/plain; charset' }, 'contentType'],
    ['contentType with a line break', { ...good, contentType: 'text/plain\r\nX-Evil: 1' }, 'contentType'],
    ['expiresIn 0', { ...good, expiresIn: 0 }, 'expiresIn'],
    ['expiresIn above 7 days', { ...good, expiresIn: 604_801 }, 'expiresIn'],
    ['expiresIn not an integer', { ...good, expiresIn: 1.5 }, 'expiresIn'],
    ['expiresIn as a string', { ...good, expiresIn: '900' }, 'expiresIn'],
    ['maxSizeBytes negative', { ...good, maxSizeBytes: -1 }, 'maxSizeBytes'],
    ['maxSizeBytes not an integer', { ...good, maxSizeBytes: 10.5 }, 'maxSizeBytes'],
    ['lockId not a string', { ...good, lockId: 7 }, 'lockId'],
    ['body an array', [good], 'body'],
    ['body not JSON', '{"path": ', 'body'],
  ];
  it.each(cases)('%s -> 400 ValidationError naming the field', async (_title, body, field) => {
    const answer = await api(server, 'POST', '/files/presign-upload', body);
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('ValidationError');
    expect(answer.body.error.message.startsWith(`${field}:`)).toBe(true);
  });

  it('accepts a MIME type with parameters and the limits 1 and 604800', async () => {
    for (const fields of [
      { contentType: 'text/plain; charset=utf-8', expiresIn: 1 },
      { contentType: 'multipart/mixed; boundary="a b"', expiresIn: 604_800 },
      { contentType: 'application/vnd.api+json', maxSizeBytes: 0 },
    ]) {
      expect((await api(server, 'POST', '/files/presign-upload', { path: '/ok.txt', ...fields })).status).toBe(200);
    }
  });

  it('answers 413 PlanLimitExceeded past the workspace limit, and defaults maxSizeBytes to it', async () => {
    const over = await api(server, 'POST', '/files/presign-upload', { ...good, maxSizeBytes: 1024 * 1024 + 1 });
    expect(over.status).toBe(413);
    expect(over.body.error.code).toBe('PlanLimitExceeded');
    const presigned = await presign(server, '/limit.bin');
    expect(presigned.uploadUrl).toContain('X-Fastio-Max-Size=1048576');
  });

  it('caps a JSON body at 64 KiB with 413', async () => {
    const answer = await api(server, 'POST', '/files/presign-upload', { ...good, pad: 'x'.repeat(70_000) });
    expect(answer.status).toBe(413);
    expect(answer.body.error.code).toBe('PayloadTooLarge');
  });

  it('gives a PUT URL with the signed headers and an expiry 900 s out by default', async () => {
    const before = Date.now();
    const presigned = await presign(server, '/a.txt', { contentType: 'text/plain' });
    expect(presigned.method).toBe('PUT');
    expect(presigned.uploadUrl.startsWith(`${server.apiUrl}/v1/direct/`)).toBe(true);
    expect(Object.keys(presigned.headers).sort()).toEqual(['Content-Type', 'X-Amz-Signature']);
    expect(presigned.headers['Content-Type']).toBe('text/plain');
    const expiresAt = Date.parse(presigned.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 899_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 901_000);
  });
});

describe('authentication and routing', () => {
  it('answers 401 Unauthorized without a key and with an unknown key', async () => {
    for (const key of [null, 'fio_wrong']) {
      const answer = await api(server, 'POST', '/files/presign-upload', good, key);
      expect(answer.status).toBe(401);
      expect(answer.body.error.code).toBe('Unauthorized');
    }
  });

  it('answers 404 WorkspaceNotFound for another workspace', async () => {
    const answer = await api({ ...server, workspace: 'ws_other' }, 'POST', '/files/presign-upload', good);
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe('WorkspaceNotFound');
  });

  it('answers unknown endpoints 404 and wrong methods 405, in the JSON error shape', async () => {
    expect((await api(server, 'GET', '/nothing')).status).toBe(404);
    const wrong = await api(server, 'DELETE', '/cors');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, PUT');
    expect(wrong.body.error.code).toBe('MethodNotAllowed');
  });

  it('refuses an oversized request head with 431', async () => {
    const answer = await rawHttp(server.apiUrl, { method: 'GET', target: '/v1/x', headers: { 'X-Big': 'a'.repeat(20_000) } });
    expect(answer.status).toBe(431);
  });
});

describe('file status and locks', () => {
  it('answers 404 FileNotFound, then the metadata once a file is committed', async () => {
    const missing = await api(server, 'GET', `/files?path=${encodeURIComponent('/status.txt')}`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('FileNotFound');
    const presigned = await presign(server, '/status.txt', { contentType: 'text/plain' });
    const put = await fetch(presigned.uploadUrl, { method: 'PUT', headers: presigned.headers, body: 'hello' });
    expect(put.status).toBe(200);
    const found = await api(server, 'GET', `/files?path=${encodeURIComponent('/status.txt')}`);
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({
      path: '/status.txt',
      sizeBytes: 5,
      contentType: 'text/plain',
      sha256: '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
    });
    expect(Date.parse(found.body.committedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect((await api(server, 'GET', '/files')).status).toBe(400);
  });

  it('locks a path: 409 for a second lock, for a presign without the lock, and for a PUT through an older URL', async () => {
    const older = await presign(server, '/locked.txt', { contentType: 'text/plain' });
    const lock = await api(server, 'POST', '/locks', { path: '/locked.txt', ttlSeconds: 60 });
    expect(lock.status).toBe(201);
    expect(lock.body.lockId).toMatch(/^lck_/);
    expect(lock.body.path).toBe('/locked.txt');
    expect(Date.parse(lock.body.expiresAt)).toBeGreaterThan(Date.now() + 50_000);

    expect((await api(server, 'POST', '/locks', { path: '/locked.txt' })).body.error.code).toBe('Locked');
    const without = await api(server, 'POST', '/files/presign-upload', { path: '/locked.txt', contentType: 'text/plain' });
    expect(without.status).toBe(409);
    expect(without.body.error.code).toBe('Locked');
    const wrong = await api(server, 'POST', '/files/presign-upload', { path: '/locked.txt', contentType: 'text/plain', lockId: 'lck_nope' });
    expect(wrong.status).toBe(409);

    const stale = await fetch(older.uploadUrl, { method: 'PUT', headers: older.headers, body: 'old' });
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as any).error.code).toBe('Locked');

    const mine = await presign(server, '/locked.txt', { contentType: 'text/plain', lockId: lock.body.lockId });
    expect((await fetch(mine.uploadUrl, { method: 'PUT', headers: mine.headers, body: 'mine' })).status).toBe(200);

    expect((await api(server, 'DELETE', `/locks/${lock.body.lockId}`)).status).toBe(204);
    expect((await api(server, 'DELETE', `/locks/${lock.body.lockId}`)).status).toBe(404);
    expect((await fetch(older.uploadUrl, { method: 'PUT', headers: older.headers, body: 'old again' })).status).toBe(200);
  });

  it('lets a lock expire after its TTL', async () => {
    expect((await api(server, 'POST', '/locks', { path: '/ttl.txt', ttlSeconds: 1 })).status).toBe(201);
    expect((await api(server, 'POST', '/locks', { path: '/ttl.txt' })).status).toBe(409);
    await new Promise((r) => setTimeout(r, 1200));
    expect((await api(server, 'POST', '/locks', { path: '/ttl.txt' })).status).toBe(201);
  });

  it('validates lock bodies', async () => {
    expect((await api(server, 'POST', '/locks', { path: 'x' })).body.error.message).toMatch(/^path:/);
    expect((await api(server, 'POST', '/locks', { path: '/x', ttlSeconds: 0 })).body.error.message).toMatch(/^ttlSeconds:/);
  });
});

describe('CORS settings', () => {
  it('reads, validates and replaces the allowed origins', async () => {
    expect((await api(server, 'GET', '/cors')).body).toEqual({ allowedOrigins: [], maxAgeSeconds: 600 });
    const bad = await api(server, 'PUT', '/cors', { allowedOrigins: ['not an origin'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^allowedOrigins:/);
    expect((await api(server, 'PUT', '/cors', { allowedOrigins: ['https://app.example.com/'] , maxAgeSeconds: -1 })).status).toBe(400);
    const put = await api(server, 'PUT', '/cors', { allowedOrigins: ['https://app.example.com'], maxAgeSeconds: 120 });
    expect(put.status).toBe(200);
    expect((await api(server, 'GET', '/cors')).body).toEqual({ allowedOrigins: ['https://app.example.com'], maxAgeSeconds: 120 });
  });
});

describe('webhook endpoints', () => {
  it('creates with a fresh secret, lists without secrets, deletes', async () => {
    const created = await api(server, 'POST', '/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['file.committed'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ url: 'http://127.0.0.1:9/hook', events: ['file.committed'] });
    expect(created.body.id).toMatch(/^wh_/);
    expect(created.body.secret).toMatch(/^whsec_/);
    const other = await api(server, 'POST', '/webhooks', { url: 'http://127.0.0.1:9/hook' });
    expect(other.body.secret).not.toBe(created.body.secret);

    const listed = await api(server, 'GET', '/webhooks');
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((w: { id: string }) => w.id)).toEqual(expect.arrayContaining([created.body.id, other.body.id]));
    expect(JSON.stringify(listed.body)).not.toContain('whsec_');

    expect((await api(server, 'DELETE', `/webhooks/${created.body.id}`)).status).toBe(204);
    expect((await api(server, 'DELETE', `/webhooks/${created.body.id}`)).status).toBe(404);
    expect((await api(server, 'DELETE', `/webhooks/${other.body.id}`)).status).toBe(204);
  });

  it.each([
    [{ url: 'ftp://example.com/x' }, 'url'],
    [{ url: 'not a url' }, 'url'],
    [{}, 'url'],
    [{ url: 'http://127.0.0.1:9/', events: ['file.deleted'] }, 'events'],
    [{ url: 'http://127.0.0.1:9/', events: [] }, 'events'],
    [{ url: 'http://127.0.0.1:9/', ttlSeconds: 0 }, 'ttlSeconds'],
  ])('refuses %j naming %s', async (body, field) => {
    const answer = await api(server, 'POST', '/webhooks', body);
    expect(answer.status).toBe(400);
    expect(answer.body.error.message.startsWith(`${field}:`)).toBe(true);
  });

  it('deletes a temporary endpoint once its ttlSeconds pass', async () => {
    const created = await api(server, 'POST', '/webhooks', { url: 'http://127.0.0.1:9/tmp', ttlSeconds: 1 });
    expect(created.body.expiresAt).toBeTruthy();
    await new Promise((r) => setTimeout(r, 2200));
    const listed = await api(server, 'GET', '/webhooks');
    expect(listed.body.data.map((w: { id: string }) => w.id)).not.toContain(created.body.id);
    expect((await api(server, 'DELETE', `/webhooks/${created.body.id}`)).status).toBe(404);
  });
});
