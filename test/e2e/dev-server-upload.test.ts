// SPEC 1.2 on the wire: every row of the upload host's table, driven with curl
// (as users will) and with a bare socket (to control every byte).
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, presign, rawHttp, startDevServer, targetOf, type DevServer, type Presigned } from '../helpers/dev-server.js';
import { makeSandbox, type Sandbox } from '../helpers/fastup.js';

let sandbox: Sandbox;
let server: DevServer;

beforeAll(async () => {
  sandbox = makeSandbox();
  server = await startDevServer(sandbox);
});

afterEach(({ task }) => {
  // A failure here is easier to read with the server's side of it.
  if (task.result?.state === 'fail') console.error(server.stderr().split('\n').filter((l) => !l.startsWith('{"method"')).join('\n'));
});

afterAll(async () => {
  await server?.stop();
  rmSync(sandbox.dir, { recursive: true, force: true });
});

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

function file(name: string, data: Buffer | string): string {
  const path = join(sandbox.dir, name);
  writeFileSync(path, data);
  return path;
}

/** curl -T FILE with the presigned headers; returns the status and the body. */
async function curlPut(presigned: Presigned, path: string, extra: string[] = []): Promise<{ status: number; body: any; exitCode: number }> {
  const headers = Object.entries(presigned.headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
  const result = await execa('curl', ['-sS', '-T', path, ...headers, ...extra, '-w', '\n%{http_code}', presigned.uploadUrl], { reject: false });
  const lines = result.stdout.split('\n');
  const status = Number(lines.pop());
  const text = lines.join('\n');
  return { status, body: text ? JSON.parse(text) : undefined, exitCode: result.exitCode ?? -1 };
}

async function status(path: string): Promise<number> {
  return (await api(server, 'GET', `/files?path=${encodeURIComponent(path)}`)).status;
}

function put(presigned: Presigned, body: string, headers: Record<string, string> = presigned.headers, target = targetOf(presigned.uploadUrl), method = 'PUT') {
  return rawHttp(server.apiUrl, { method, target, headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) }, body });
}

describe('committed uploads', () => {
  it('round-trips 5 MiB with curl -T: the server hashes what was sent', async () => {
    const data = randomBytes(5 * 1024 * 1024);
    const presigned = await presign(server, '/big/five.bin', { maxSizeBytes: data.length });
    const answer = await curlPut(presigned, file('five.bin', data));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ path: '/big/five.bin', sizeBytes: data.length, contentType: 'application/octet-stream', sha256: sha256(data) });
  });

  it('writes a large body over a recycled superseded blob and stores exactly its bytes, shorter or longer', async () => {
    // A superseded blob of 16 MiB or more is kept as a spare and the next large
    // body overwrites it in place: nothing of the old bytes may survive.
    const presigned = await presign(server, '/big/recycled.bin', { maxSizeBytes: 64 * 1024 * 1024 });
    const recordOf = (path: string) => {
      const name = createHash('sha256').update(path).digest('hex');
      return JSON.parse(readFileSync(join(server.dataDir, 'files', `${name}.json`), 'utf8'));
    };
    for (const size of [24, 17, 20].map((m) => m * 1024 * 1024 + 3)) {
      const data = randomBytes(size);
      const answer = await curlPut(presigned, file('recycled.bin', data));
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ sizeBytes: size, sha256: sha256(data) });
      const record = recordOf('/big/recycled.bin');
      expect(sha256(readFileSync(join(server.dataDir, 'blobs', record.blob)))).toBe(sha256(data));
    }
    expect(readdirSync(join(server.dataDir, 'tmp'))).toEqual([]);
    expect(readdirSync(join(server.dataDir, 'spare'))).toHaveLength(1);
  });

  it('accepts from curl a URL holding %2B, %20, + and ~ exactly as presigned', async () => {
    const presigned = await presign(server, '/dir/a+b c~.txt', { contentType: 'text/plain; charset=utf-8' });
    for (const piece of ['%2B', '%20', '+', '~']) expect(presigned.uploadUrl).toContain(piece);
    const answer = await curlPut(presigned, file('plus.txt', 'plus and space'));
    expect(answer.status).toBe(200);
    expect(answer.body.path).toBe('/dir/a+b c~.txt');
    expect(answer.body.contentType).toBe('text/plain; charset=utf-8');
  });

  it('lets a URL be used again until it expires: the last write wins', async () => {
    const presigned = await presign(server, '/reuse.txt', { contentType: 'text/plain' });
    expect((await put(presigned, 'first')).status).toBe(200);
    expect((await put(presigned, 'second')).status).toBe(200);
    const found = await api(server, 'GET', `/files?path=${encodeURIComponent('/reuse.txt')}`);
    expect(found.body.sha256).toBe(sha256('second'));
  });

  it('ends 10 concurrent PUTs to one path with exactly one whole version', async () => {
    const presigned = await presign(server, '/race.bin');
    const bodies = Array.from({ length: 10 }, (_, i) => Buffer.alloc(256 * 1024, i + 1));
    const answers = await Promise.all(
      bodies.map((b) => fetch(presigned.uploadUrl, { method: 'PUT', headers: presigned.headers, body: b })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    const found = await api(server, 'GET', `/files?path=${encodeURIComponent('/race.bin')}`);
    expect(bodies.map((b) => sha256(b))).toContain(found.body.sha256);
    expect(found.body.sizeBytes).toBe(256 * 1024);
    await new Promise((r) => setTimeout(r, 100));
    const blobs = readdirSync(join(server.dataDir, 'blobs'));
    const files = readdirSync(join(server.dataDir, 'files'));
    expect(blobs).toHaveLength(files.length);
    expect(readdirSync(join(server.dataDir, 'tmp'))).toEqual([]);
  });

  it('accepts an empty body', async () => {
    const presigned = await presign(server, '/empty.txt', { contentType: 'text/plain' });
    const answer = await put(presigned, '');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).sha256).toBe(sha256(''));
  });
});

describe('rejections (SPEC 1.2 table)', () => {
  let presigned: Presigned;
  let target: string;
  beforeAll(async () => {
    presigned = await presign(server, '/rows/a+b.txt', { contentType: 'text/plain', maxSizeBytes: 1024 });
    target = targetOf(presigned.uploadUrl);
  });

  const expectCode = (answer: { status: number; body: string }, status: number, code: string): void => {
    expect(answer.status).toBe(status);
    expect(JSON.parse(answer.body).error.code).toBe(code);
  };

  it.each([
    ['another path', (t: string) => t.replace('a%2Bb.txt', 'b%2Bb.txt')],
    ['the path re-encoded (%2B -> +)', (t: string) => t.replace('%2B', '+')],
    ['the path normalised (+ -> %2B in the query)', (t: string) => t.replace('text%2Fplain', 'text/plain')],
    ['a dot-dot segment slipped in', (t: string) => t.replace('/rows/', '/rows/%2e%2e/rows/')],
    ['a larger max size in the query', (t: string) => t.replace('X-Fastio-Max-Size=1024', 'X-Fastio-Max-Size=999999')],
    ['a later expiry in the query', (t: string) => t.replace(/X-Fastio-Expires=\d+/, 'X-Fastio-Expires=9999999999')],
    ['an added query parameter', (t: string) => `${t}&x=1`],
  ])('403 SignatureDoesNotMatch for %s', async (_title, alter) => {
    const altered = alter(target);
    expect(altered).not.toBe(target);
    expectCode(await put(presigned, 'x', presigned.headers, altered), 403, 'SignatureDoesNotMatch');
  });

  it('403 SignatureDoesNotMatch for a missing or wrong signature header, another method, another or a second Content-Type', async () => {
    const { 'X-Amz-Signature': signature, ...noSignature } = presigned.headers;
    expectCode(await put(presigned, 'x', noSignature), 403, 'SignatureDoesNotMatch');
    const flipped = `${signature!.slice(0, -1)}${signature!.endsWith('0') ? '1' : '0'}`;
    expectCode(await put(presigned, 'x', { ...presigned.headers, 'X-Amz-Signature': flipped }), 403, 'SignatureDoesNotMatch');
    expectCode(await put(presigned, 'x', presigned.headers, target, 'POST'), 403, 'SignatureDoesNotMatch');
    expectCode(await rawHttp(server.apiUrl, { method: 'GET', target, headers: presigned.headers }), 403, 'SignatureDoesNotMatch');
    expectCode(await put(presigned, 'x', { ...presigned.headers, 'Content-Type': 'text/html' }), 403, 'SignatureDoesNotMatch');
    const twice = await rawHttp(server.apiUrl, {
      target,
      headers: { ...presigned.headers, 'content-type': 'text/plain', 'Content-Length': '1' },
      body: 'x',
    });
    expectCode(twice, 403, 'SignatureDoesNotMatch');
    expect(await status('/rows/a+b.txt')).toBe(404);
  });

  it('403 RequestExpired once expiresAt has passed', async () => {
    const short = await presign(server, '/rows/short.txt', { contentType: 'text/plain', expiresIn: 1 });
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(short.expiresAt) - Date.now()) + 1100));
    expectCode(await put(short, 'late'), 403, 'RequestExpired');
  });

  it('413 EntityTooLarge from Content-Length, before the body: curl (no Expect) gets the answer, not a broken pipe', async () => {
    const big = file('too-big.bin', randomBytes(16 * 1024 * 1024));
    const answer = await curlPut(presigned, big, ['-H', 'Expect:']);
    expect(answer.status).toBe(413);
    expect(answer.body.error.code).toBe('EntityTooLarge');
    expect(await status('/rows/a+b.txt')).toBe(404);
  });

  it('413 EntityTooLarge without sending 100 Continue when the client expects one', async () => {
    const answer = await rawHttp(server.apiUrl, {
      target,
      headers: { ...presigned.headers, 'Content-Length': '4096', Expect: '100-continue' },
      body: Buffer.alloc(4096),
      headOnly: true,
    });
    expect(answer.head.startsWith('HTTP/1.1 413')).toBe(true);
    expectCode(answer, 413, 'EntityTooLarge');
    expect(answer.headers.connection).toBe('close');
    const curl = await curlPut(presigned, file('expect.bin', randomBytes(2 * 1024 * 1024)), ['-H', 'Expect: 100-continue']);
    expect(curl.status).toBe(413);
  });

  it('sends 100 Continue and commits when the URL admits the body', async () => {
    const answer = await rawHttp(server.apiUrl, {
      target,
      headers: { ...presigned.headers, 'Content-Length': '3', Expect: '100-continue' },
      body: 'abc',
    });
    expect(answer.head.startsWith('HTTP/1.1 100 Continue')).toBe(true);
    expect(answer.status).toBe(200);
  });

  it('411 MissingContentLength for a chunked body', async () => {
    const answer = await rawHttp(server.apiUrl, {
      target,
      headers: { ...presigned.headers, 'Transfer-Encoding': 'chunked' },
      body: '3\r\nabc\r\n0\r\n\r\n',
    });
    expectCode(answer, 411, 'MissingContentLength');
    const curl = await execa('curl', ['-sS', '-T', '-', '-H', `Content-Type: ${presigned.headers['Content-Type']}`, '-H', `X-Amz-Signature: ${presigned.headers['X-Amz-Signature']}`, '-w', '\n%{http_code}', presigned.uploadUrl], { input: 'from stdin', reject: false });
    expect(curl.stdout.split('\n').pop()).toBe('411');
  });

  it('commits nothing when the body is shorter than Content-Length (client went away)', async () => {
    const p = await presign(server, '/rows/short-body.bin', { maxSizeBytes: 1024 * 1024 });
    await rawHttp(server.apiUrl, {
      target: targetOf(p.uploadUrl),
      headers: { ...p.headers, 'Content-Length': String(1024 * 1024) },
      body: randomBytes(1024 * 1024),
      abortAfterBytes: 300 * 1024,
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(await status('/rows/short-body.bin')).toBe(404);
    expect(readdirSync(join(server.dataDir, 'tmp'))).toEqual([]);
  });
});

describe('hostile paths', () => {
  it('stores odd but valid paths under hashed names, never outside the data dir', async () => {
    const paths = ['/%2e%2e/escape.txt', '/a\\..\\..\\b.txt', '/..../x', `/${'ü'.repeat(300)}`, '/dir/ spaced /~tilde'];
    for (const path of paths) {
      const p = await presign(server, path, { contentType: 'text/plain' });
      const answer = await put(p, path);
      expect(answer.status, path).toBe(200);
      expect(JSON.parse(answer.body).path).toBe(path);
      expect((await api(server, 'GET', `/files?path=${encodeURIComponent(path)}`)).body.sha256).toBe(sha256(path));
    }
    for (const name of readdirSync(join(server.dataDir, 'files'))) expect(name).toMatch(/^[0-9a-f]{64}\.json$/);
    expect(readdirSync(sandbox.dir).filter((n) => n.includes('escape') || n === 'b.txt')).toEqual([]);
  });

  it('refuses traversal, absolute-form and giant request-targets on the upload host', async () => {
    const p = await presign(server, '/safe.txt', { contentType: 'text/plain' });
    const headers = { ...p.headers, 'Content-Length': '1' };
    for (const target of [
      `/v1/direct/${server.workspace}/../../../etc/passwd`,
      `/v1/direct/${server.workspace}/%2e%2e/%2e%2e/etc/passwd?${targetOf(p.uploadUrl).split('?')[1]}`,
      `${server.apiUrl}${targetOf(p.uploadUrl)}`,
    ]) {
      const answer = await rawHttp(server.apiUrl, { target, headers, body: 'x' });
      expect(answer.status, target).toBe(403);
    }
    const giant = await rawHttp(server.apiUrl, { target: `/v1/direct/${server.workspace}${'/a'.repeat(10_000)}`, headers, body: 'x' });
    expect([403, 414, 431]).toContain(giant.status);
  });
});
