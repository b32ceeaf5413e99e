// The warnings for rejected deliveries must help (issue 3): clock difference,
// the secret's last four characters, a re-serialized body.
import { describe, expect, it } from 'vitest';
import { explainRejection } from '../../src/core/webhook-diagnose.js';
import { parseListen } from '../../src/core/listen-address.js';
import { signatureHeader, verifySignature } from '../../src/core/webhook-signature.js';

const secret = 'whsec_diag_abcdefgh1234';
const body = JSON.stringify({ id: 'evt_1', type: 'file.committed', data: { path: '/x', sizeBytes: 1 } });

function explain(header: string | undefined, sent: string, nowSeconds = 1000, receiverNow?: number) {
  const result = verifySignature({ secret, header, body: Buffer.from(sent), nowSeconds });
  if (result.ok) throw new Error('expected a rejection');
  return explainRejection(result, { header, body: Buffer.from(sent), secret, ...(receiverNow === undefined ? {} : { nowSeconds: receiverNow }) });
}

describe('explainRejection', () => {
  it.each([
    ['no header', undefined, body, /no Fastio-Signature header/],
    ['garbage header', 'nonsense', body, /not t=\.\.\.,v1=.*got 'nonsense'/],
    ['stale', signatureHeader(secret, 400, body), body, /600 s old.*clock is 600 s ahead/],
    ['future', signatureHeader(secret, 1400, body), body, /400 s in the future.*400 s behind/],
    ['no v1', 't=1000,v0=abc', body, /no v1 signature.*…1234/],
    ['wrong secret', signatureHeader('whsec_other_000000000000', 1000, body), body, /…1234; was it signed with another secret/],
    ['wrong secret, with the receiver clock', signatureHeader('whsec_other_000000000000', 997, body), body, /…1234; clock difference 3 s \(within tolerance\); was it signed/, 1000],
    ['pretty-printed after signing', signatureHeader(secret, 1000, body), JSON.stringify(JSON.parse(body), null, 2), /re-serialized after signing/],
    ['compacted after signing', signatureHeader(secret, 1000, JSON.stringify(JSON.parse(body), null, 4)), body, /re-serialized after signing/],
    ['whitespace-altered, no variant verifies', signatureHeader('whsec_other_000000000000', 1000, body), body.replace(/,/g, ', '), /…1234; the body is not compact JSON/],
  ])('%s', (_name, header, sent, expected, receiverNow?: number) => {
    const text = explain(header, sent, 1000, receiverNow);
    expect(text).toMatch(expected);
    expect(text).not.toContain(secret);
  });
});

describe('parseListen', () => {
  it.each([
    ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }],
    ['[::1]:8787', { host: '::1', port: 8787 }],
    ['localhost:9000', { host: 'localhost', port: 9000 }],
  ])('%s', (text, expected) => expect(parseListen(text)).toEqual(expected));

  it.each(['8787', '127.0.0.1', '127.0.0.1:70000', '::1:80', 'a b:1'])('refuses %s with exit 2', (text) => {
    expect(() => parseListen(text)).toThrow(expect.objectContaining({ exitCode: 2 }));
  });
});
