// fastup against a raw recording upload host: what goes on the wire, byte for
// byte, and how the host's refusals are told (SPEC 1.2, 2.2).
import { writeFileSync } from 'node:fs';
import { randomBytes, createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fastup, makeSandbox } from '../helpers/fastup.js';
import { startRawServer, type RawServer } from '../helpers/raw-server.js';

const sandbox = makeSandbox();
const KEY = 'fio_rawHostTestKey_0123456789abcdef';
let server: RawServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function file(name: string, bytes: Buffer): string {
  const path = join(sandbox.dir, name);
  writeFileSync(path, bytes);
  return path;
}

const presignedFile = (doc: unknown): string => file(`p-${Math.random()}.json`, Buffer.from(JSON.stringify(doc)));

describe('upload --presigned to a raw host', () => {
  it('sends the URL byte for byte, exactly the presign headers plus Content-Length, and never the API key', async () => {
    server = await startRawServer();
    const body = randomBytes(300_000);
    const target = '/a%2e%2e/b\\c/%2e%2e/d%2B+~%20e?x=%2B+~%20&sig=a/b%2F';
    const doc = { uploadUrl: `${server.origin}${target}#frag`, method: 'PUT', headers: { 'Content-Type': 'text/plain', 'X-Amz-Signature': 'sig123' } };
    const result = await fastup(['upload', file('exact.txt', body), '--presigned', presignedFile(doc), '--json', '--verbose'], {
      sandbox,
      env: { FASTUP_API_KEY: KEY, FASTUP_WORKSPACE: 'ws_x' },
    });
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(server.requests).toHaveLength(1);
    const req = server.requests[0]!;
    expect(req.url).toBe(target);
    expect(req.method).toBe('PUT');
    expect(req.headers['content-length']).toBe(String(body.length));
    expect(req.headers['content-type']).toBe('text/plain');
    expect(req.headers['x-amz-signature']).toBe('sig123');
    for (const name of ['authorization', 'transfer-encoding', 'expect', 'cookie']) expect(req.headers[name]).toBeUndefined();
    expect(req.rawHeaders.filter((h) => h.toLowerCase() === 'content-type')).toHaveLength(1);
    expect(req.sha256).toBe(createHash('sha256').update(body).digest('hex'));
    expect(JSON.stringify(req.rawHeaders)).not.toContain(KEY);
    const line = JSON.parse(String(result.stdout));
    expect(line).toMatchObject({ status: 'uploaded', sizeBytes: body.length, sha256: req.sha256 });
    // --verbose shows the exchange without the query (it may carry a signature).
    expect(String(result.stderr)).toContain('PUT');
    expect(String(result.stderr)).not.toContain('sig=a');
  });

  it.each([
    ['JSON SignatureDoesNotMatch', 403, 'application/json', '{"error":{"code":"SignatureDoesNotMatch","message":"signature mismatch"}}', /Content-Type.*URL untouched/],
    ['JSON RequestExpired', 403, 'application/json', '{"error":{"code":"RequestExpired","message":"expired"}}', /expires-in/],
    ['S3 XML SignatureDoesNotMatch', 403, 'application/xml', '<?xml version="1.0"?><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match</Message></Error>', /URL untouched/],
    ['S3 XML expired', 403, 'application/xml', '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>', /expires-in/],
    ['S3 XML EntityTooLarge', 400, 'application/xml', '<Error><Code>EntityTooLarge</Code><Message>Your proposed upload exceeds the maximum allowed size</Message></Error>', /presigned for/],
    ['JSON Locked', 409, 'application/json', '{"error":{"code":"Locked","message":"locked"}}', /--lock/],
    ['411 without a body', 411, 'text/plain', '', /Content-Length/],
  ])('%s is exit 5 with a hint, not retried', async (_name, status, type, text, hint) => {
    server = await startRawServer(() => ({ status, headers: { 'content-type': type }, body: text }));
    const result = await fastup(['upload', file('r.bin', randomBytes(1000)), '--presigned', presignedFile({ uploadUrl: `${server.url}x` })], { sandbox });
    expect(result.exitCode).toBe(5);
    expect(server.requests).toHaveLength(1);
    const lines = String(result.stderr).trim().split('\n').filter((l) => l.startsWith('error:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('r.bin');
    expect(lines[0]).toMatch(hint);
  });

  it('reports an early 413 (answered before the body, connection closed) as 413, not a broken pipe', async () => {
    server = await startRawServer(undefined, () => ({
      status: 413,
      close: true,
      headers: { 'content-type': 'application/json' },
      body: '{"error":{"code":"EntityTooLarge","message":"Content-Length exceeds maxSizeBytes"}}',
    }));
    const result = await fastup(['upload', file('big.bin', randomBytes(32 << 20)), '--presigned', presignedFile({ uploadUrl: `${server.url}big` }), '--json'], { sandbox });
    expect(result.exitCode).toBe(5);
    const line = JSON.parse(String(result.stdout));
    expect(line.error).toMatchObject({ code: 'EntityTooLarge', exitCode: 5 });
    expect(line.error.hint).toMatch(/presigned for/);
    expect(String(result.stderr)).not.toMatch(/EPIPE|ECONNRESET|reset/);
  });

  it('does not follow a redirect (the body is never sent again)', async () => {
    server = await startRawServer(() => ({ status: 307, headers: { location: '/elsewhere' } }));
    const result = await fastup(['upload', file('re.bin', randomBytes(1000)), '--presigned', presignedFile({ uploadUrl: `${server.url}here` })], { sandbox });
    expect(result.exitCode).toBe(5);
    expect(server.requests.map((r) => r.url)).toEqual(['/here']);
    expect(String(result.stderr)).toMatch(/redirect/);
  });

  it.each([
    ['a non-http uploadUrl', { uploadUrl: 'ftp://127.0.0.1/x' }],
    ['a header value with CR/LF', { uploadUrl: 'URL', headers: { 'X-A': 'a\r\nX-Injected: 1' } }],
    ['a header value with NUL', { uploadUrl: 'URL', headers: { 'X-A': 'a\u0000' } }],
    ['no uploadUrl', { method: 'PUT' }],
    ['headers of the wrong type', { uploadUrl: 'URL', headers: ['x'] }],
    ['user info in the URL', { uploadUrl: 'http://user:pw@127.0.0.1:1/x' }],
  ])('--presigned with %s exits 2 and sends nothing', async (_name, doc) => {
    server = await startRawServer();
    const text = JSON.stringify(doc).replace('"URL"', JSON.stringify(`${server.url}x`));
    const result = await fastup(['upload', file('n.bin', randomBytes(10)), '--presigned', '-'], { sandbox, input: text });
    expect(result.exitCode).toBe(2);
    expect(String(result.stderr)).toMatch(/presign JSON|upload URL/);
    expect(server.requests).toHaveLength(0);
  });

  it('a persistent 500 is exit 6 after --retries + 1 attempts', async () => {
    server = await startRawServer(() => ({ status: 500, body: '{"error":{"code":"InternalError","message":"boom"}}' }));
    const result = await fastup(['upload', file('f.bin', randomBytes(5000)), '--presigned', presignedFile({ uploadUrl: `${server.url}f` }), '--retries', '2'], { sandbox });
    expect(result.exitCode).toBe(6);
    expect(server.requests).toHaveLength(3);
    expect(String(result.stderr)).toMatch(/retrying/);
  });

  it('--wait with a remote API and no --public-url exits 2 at once, before anything is sent', async () => {
    server = await startRawServer();
    const result = await fastup(['upload', file('w.bin', randomBytes(10)), '--wait', '--presigned', presignedFile({ uploadUrl: `${server.url}w` })], {
      sandbox,
      env: { FASTUP_API_URL: 'https://api.example.com', FASTUP_API_KEY: KEY, FASTUP_WORKSPACE: 'ws_x' },
    });
    expect(result.exitCode).toBe(2);
    expect(String(result.stderr)).toMatch(/--public-url/);
    expect(server.requests).toHaveLength(0);
  });

  it('--quiet prints only errors', async () => {
    server = await startRawServer();
    const good = file('q.bin', randomBytes(10));
    const result = await fastup(['upload', good, '--presigned', presignedFile({ uploadUrl: `${server.url}q` }), '--quiet'], { sandbox });
    expect(result.exitCode).toBe(0);
    expect(String(result.stdout) + String(result.stderr)).toBe('');
  });
});
