// fastup upload end to end against the real dev-server (built binary, real
// sockets, temp HOME): round trips, many files, stdin, dry-run, output discipline.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startDevServer, type DevServer, clientEnv } from '../helpers/dev-server.js';
import { fastup, makeSandbox } from '../helpers/fastup.js';

const sandbox = makeSandbox();
let server: DevServer;
let env: Record<string, string>;
beforeAll(async () => {
  server = await startDevServer(sandbox);
  env = clientEnv(server);
});
afterAll(() => server.stop());

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const status = async (path: string) => api(server, 'GET', `/files?path=${encodeURIComponent(path)}`);
function write(rel: string, bytes: Buffer): string {
  const path = join(sandbox.dir, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, bytes);
  return path;
}
const jsonLines = (stdout: unknown): Record<string, any>[] =>
  String(stdout).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, any>);

describe('fastup upload against the dev-server', () => {
  it('round-trips a 5 MiB random file: the server SHA-256 equals the local one, the key appears nowhere', async () => {
    const bytes = randomBytes(5 << 20);
    const result = await fastup(['upload', write('five.bin', bytes), '--to', '/rt/five.bin'], { sandbox, env });
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(String(result.stdout)).toBe(`uploaded ${join(sandbox.dir, 'five.bin')} -> /rt/five.bin (5.24 MB, sha256 ${sha(bytes)})`);
    expect(String(result.stderr)).toMatch(/^uploaded 1 file, 5\.24 MB in /m);
    expect((await status('/rt/five.bin')).body).toMatchObject({ sizeBytes: bytes.length, sha256: sha(bytes) });
    expect(String(result.stdout) + String(result.stderr)).not.toContain(server.apiKey);
  });

  it('keeps unicode and spaces in the name (résumé final (2).pdf) and takes the type from the extension', async () => {
    const bytes = randomBytes(2000);
    write('résumé final (2).pdf', bytes);
    const result = await fastup(['upload', 'résumé final (2).pdf', '--to', '/docs/', '--json'], { sandbox, env });
    expect(result.exitCode, String(result.stderr)).toBe(0);
    const [line] = jsonLines(result.stdout);
    expect(line).toMatchObject({ file: 'résumé final (2).pdf', path: '/docs/résumé final (2).pdf', contentType: 'application/pdf', sha256: sha(bytes), status: 'uploaded' });
    expect((await status('/docs/résumé final (2).pdf')).body).toMatchObject({ sha256: sha(bytes), contentType: 'application/pdf' });
  });

  it('uploads a 0-byte file', async () => {
    const result = await fastup(['upload', write('empty.txt', Buffer.alloc(0)), '--json'], { sandbox, env });
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(jsonLines(result.stdout)[0]).toMatchObject({ path: '/empty.txt', sizeBytes: 0, sha256: sha(Buffer.alloc(0)) });
    expect((await status('/empty.txt')).body).toMatchObject({ sizeBytes: 0 });
  });

  it('presign | upload --presigned - needs no API key in the second process', async () => {
    const bytes = randomBytes(70_000);
    const local = write('piped.bin', bytes);
    const presigned = await fastup(['presign', '/piped/p.bin', '--file', local], { sandbox, env });
    expect(presigned.exitCode, String(presigned.stderr)).toBe(0);
    const result = await fastup(['upload', local, '--presigned', '-', '--json'], { sandbox, input: String(presigned.stdout) });
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(jsonLines(result.stdout)[0]).toMatchObject({ path: '/piped/p.bin', sha256: sha(bytes), status: 'uploaded' });
    expect((await status('/piped/p.bin')).body).toMatchObject({ sha256: sha(bytes) });
  });

  it('--presigned with a path: --to cannot send the file elsewhere, so it is ignored with a warning and not shown', async () => {
    const local = write('elsewhere.bin', randomBytes(1000));
    const presigned = await fastup(['presign', '/ps/signed.bin', '--file', local], { sandbox, env });
    const result = await fastup(['upload', local, '--presigned', '-', '--to', '/other.bin'], { sandbox, input: String(presigned.stdout) });
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(result.stderr).toContain('warning: --to is ignored with --presigned: the signed URL decides where the file goes (/ps/signed.bin)');
    expect(result.stderr).toMatch(/^uploading .*elsewhere\.bin -> \/ps\/signed\.bin/m);
    expect(result.stderr + result.stdout).not.toContain('/other.bin (');
    expect((await status('/ps/signed.bin')).status).toBe(200);
  });

  it('200 small files in nested folders with --concurrency 8: one JSON line each, all hashes right, nothing else on stdout', async () => {
    const root = mkdtempSync(join(sandbox.dir, 'many-'));
    const want = new Map<string, string>();
    for (let i = 0; i < 200; i++) {
      const rel = `d${i % 5}/e${i % 3}/f${i}.txt`;
      const bytes = randomBytes(100 + i);
      mkdirSync(join(root, rel, '..'), { recursive: true });
      writeFileSync(join(root, rel), bytes);
      want.set(`/many/${rel}`, sha(bytes));
    }
    const result = await fastup(['upload', '-r', root, '--to', '/many', '--concurrency', '8', '--json'], { sandbox, env: { ...env, NO_COLOR: '' } });
    expect(result.exitCode, String(result.stderr)).toBe(0);
    const lines = jsonLines(result.stdout);
    expect(lines).toHaveLength(200);
    expect(new Map(lines.map((l) => [l.path, l.sha256]))).toEqual(want);
    for (const l of lines) expect(Object.keys(l).sort()).toEqual(['bytesPerSecond', 'contentType', 'durationMs', 'file', 'path', 'sha256', 'sizeBytes', 'status']);
    const some = [...want.keys()].filter((_, i) => i % 40 === 0);
    for (const path of some) expect((await status(path)).body.sha256).toBe(want.get(path));
    expect(String(result.stdout) + String(result.stderr)).not.toMatch(/\u001b/);
  });

  it('one unreadable file among several: exit 4, the others still arrive, the failure is its JSON line', async () => {
    const a = write('mix/a.txt', Buffer.from('a'));
    const c = write('mix/c.txt', Buffer.from('c'));
    const fifo = join(sandbox.dir, 'mix', 'dangling');
    symlinkSync(join(sandbox.dir, 'mix', 'nothing-here'), fifo);
    const result = await fastup(['upload', a, fifo, join(sandbox.dir, 'mix'), c, '--to', '/mix/', '--json'], { sandbox, env });
    expect(result.exitCode).toBe(4);
    const lines = jsonLines(result.stdout);
    expect(lines.map((l) => l.status).sort()).toEqual(['failed', 'failed', 'uploaded', 'uploaded']);
    const failed = lines.find((l) => l.file === fifo);
    expect(failed?.error).toMatchObject({ exitCode: 4 });
    expect(failed?.error.message).toMatch(/broken symbolic link/);
    expect((await status('/mix/a.txt')).status).toBe(200);
    expect((await status('/mix/c.txt')).status).toBe(200);
  });

  it('human mode: one result line per file on stdout, one error line per failure on stderr, no escape codes without a terminal', async () => {
    const a = write('hm/a.txt', Buffer.from('aaa'));
    const result = await fastup(['upload', a, join(sandbox.dir, 'hm', 'missing.txt'), '--to', '/hm/'], { sandbox, env: { ...env, NO_COLOR: '' } });
    expect(result.exitCode).toBe(4);
    expect(String(result.stdout).trim().split('\n')).toEqual([expect.stringMatching(/^uploaded .*a\.txt -> \/hm\/a\.txt \(3 B, sha256 [0-9a-f]{64}\)$/)]);
    const errors = String(result.stderr).split('\n').filter((l) => l.startsWith('error:'));
    expect(errors).toEqual([expect.stringContaining('missing.txt: no such file')]);
    expect(String(result.stderr)).toMatch(/^uploading .*a\.txt -> \/hm\/a\.txt/m);
    expect(String(result.stdout) + String(result.stderr)).not.toMatch(/\u001b/);
  });

  it('--dry-run lists what would go where and sends nothing (no API key needed)', async () => {
    const root = mkdtempSync(join(sandbox.dir, 'dry-'));
    writeFileSync(join(root, 'x.html'), '<p>');
    const result = await fastup(['upload', '-r', root, '--to', '/dry/', '--dry-run', '--json'], { sandbox });
    expect(result.exitCode, String(result.stderr)).toBe(0);
    const base = root.split('/').pop();
    expect(jsonLines(result.stdout)).toEqual([
      { file: join(root, 'x.html'), path: `/dry/${base}/x.html`, sizeBytes: 3, contentType: 'text/html', sha256: null, status: 'planned', durationMs: 0, bytesPerSecond: 0 },
    ]);
    expect((await status(`/dry/${base}/x.html`)).status).toBe(404);
  });

  it('uploads standard input with an exact Content-Length and leaves no spool file', async () => {
    const tmp = mkdtempSync(join(sandbox.dir, 'tmp-'));
    const bytes = randomBytes(3 << 20);
    const result = await fastup(['upload', '-', '--to', '/stdin/data.tar.gz', '--json', '--verbose'], { sandbox, env: { ...env, TMPDIR: tmp }, input: bytes });
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(jsonLines(result.stdout)[0]).toMatchObject({ file: '-', path: '/stdin/data.tar.gz', sizeBytes: bytes.length, sha256: sha(bytes), contentType: 'application/gzip' });
    expect(String(result.stderr)).toContain(`(${bytes.length} bytes)`);
    expect((await status('/stdin/data.tar.gz')).body).toMatchObject({ sha256: sha(bytes) });
    // Only fastup's own spool counts: Node 22+ may keep its compile cache in TMPDIR.
    expect(readdirSync(tmp).filter((n) => n.startsWith('fastup-'))).toEqual([]);
  });

  it('standard input without --to is a usage error', async () => {
    const result = await fastup(['upload', '-'], { sandbox, env, input: 'x' });
    expect(result.exitCode).toBe(2);
    expect(String(result.stderr)).toMatch(/needs --to/);
  });

  it('--lock takes and releases a lock around the upload', async () => {
    const result = await fastup(['upload', write('locked.txt', Buffer.from('l')), '--to', '/locked.txt', '--lock'], { sandbox, env });
    expect(result.exitCode, String(result.stderr)).toBe(0);
    // Released: another client can lock the path at once.
    const lock = await api(server, 'POST', '/locks', { path: '/locked.txt', ttlSeconds: 5 });
    expect(lock.status).toBe(201);
    await api(server, 'DELETE', `/locks/${lock.body.lockId}`);
  });
});
