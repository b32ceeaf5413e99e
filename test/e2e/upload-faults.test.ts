// fastup upload under the dev-server's fault injection (issue 5): retries,
// resets, Retry-After, expiry, files changing under us, Ctrl-C, heartbeats.
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { api, startDevServer, type DevServer, clientEnv } from '../helpers/dev-server.js';
import { fastup, makeSandbox } from '../helpers/fastup.js';

const sandbox = makeSandbox();
let server: DevServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function withFaults(...faults: string[]): Promise<{ server: DevServer; env: Record<string, string> }> {
  server = await startDevServer(sandbox, faults.flatMap((f) => ['--fault', f]));
  return { server, env: clientEnv(server) };
}
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
function write(name: string, bytes: Buffer): string {
  const path = join(sandbox.dir, name);
  writeFileSync(path, bytes);
  return path;
}
const count = (text: unknown, re: RegExp): number => String(text).split('\n').filter((l) => re.test(l)).length;
const status = (s: DevServer, path: string) => api(s, 'GET', `/files?path=${encodeURIComponent(path)}`);

describe('fastup upload under faults', () => {
  it('two 503s then success: exactly three PUTs, exit 0', async () => {
    const { server: s, env } = await withFaults('put-status=503x2');
    const bytes = randomBytes(200_000);
    const result = await fastup(['upload', write('a.bin', bytes), '--verbose'], { sandbox, env });
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(count(result.stderr, /→ PUT /)).toBe(3);
    expect((await status(s, '/a.bin')).body.sha256).toBe(sha(bytes));
  });

  it('a reset after 1 MiB then success: the file is re-read and re-hashed, the server SHA-256 equals the local one', async () => {
    const { server: s, env } = await withFaults('put-reset-after=1048576x1');
    const bytes = randomBytes(3 << 20);
    const result = await fastup(['upload', write('b.bin', bytes), '--json', '--verbose'], { sandbox, env });
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(count(result.stderr, /→ PUT /)).toBe(2);
    expect(JSON.parse(String(result.stdout)).sha256).toBe(sha(bytes));
    expect((await status(s, '/b.bin')).body.sha256).toBe(sha(bytes));
  });

  it('a persistent 500 is exit 6 after --retries + 1 attempts', async () => {
    const { env } = await withFaults('put-status=500x100');
    const result = await fastup(['upload', write('c.bin', randomBytes(1000)), '--retries', '2', '--verbose'], { sandbox, env });
    expect(result.exitCode).toBe(6);
    expect(count(result.stderr, /→ PUT /)).toBe(3);
  });

  it('429 with Retry-After: 1 waits about a second', async () => {
    const { env } = await withFaults('put-status=429x1,retry-after=1');
    const started = Date.now();
    const result = await fastup(['upload', write('d.bin', randomBytes(1000)), '--verbose'], { sandbox, env });
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(count(result.stderr, /→ PUT /)).toBe(2);
  });

  it('presigns again when the URL would expire before the retry', async () => {
    const { server: s, env } = await withFaults('put-status=503x1,retry-after=2');
    const bytes = randomBytes(1000);
    const result = await fastup(['upload', write('e.bin', bytes), '--expires-in', '1', '--verbose'], { sandbox, env });
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(count(result.stderr, /→ POST .*presign-upload/)).toBe(2);
    expect((await status(s, '/e.bin')).body.sha256).toBe(sha(bytes));
  });

  it('a file appended to during the upload is exit 4, and the host never holds a mix', async () => {
    const { server: s, env } = await withFaults('put-throttle=4194304');
    const original = randomBytes(16 << 20);
    const path = write('grow.bin', original);
    const child = fastup(['upload', path], { sandbox, env });
    setTimeout(() => appendFileSync(path, 'more'), 1000);
    const result = await child;
    expect(result.exitCode).toBe(4);
    expect(String(result.stderr)).toMatch(/grow\.bin: the file changed while it was being uploaded/);
    // Caught before the last byte left (nothing committed) or, when socket
    // buffers had taken it all, after: then the host has exactly what was read.
    const after = await status(s, '/grow.bin');
    if (after.status === 200) expect(after.body.sha256).toBe(sha(original));
    else expect(after.status).toBe(404);
  });

  it('SIGINT mid-upload exits 130, says what was not uploaded, and leaves nothing partial', async () => {
    const { server: s, env } = await withFaults('put-throttle=1048576');
    const child = fastup(['upload', write('slow.bin', randomBytes(6 << 20)), write('never.bin', randomBytes(10))], { sandbox, env: { ...env }, extendEnv: false });
    setTimeout(() => child.kill('SIGINT'), 1200);
    const started = Date.now();
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(String(result.stderr)).toMatch(/not uploaded: .*slow\.bin/);
    expect((await status(s, '/slow.bin')).status).toBe(404);
  });

  it('prints a heartbeat while a slow transfer runs (no terminal)', async () => {
    const { env } = await withFaults('put-throttle=524288');
    const result = await fastup(['upload', write('beat.bin', randomBytes(1 << 20))], { sandbox, env: { ...env, FASTUP_HEARTBEAT_MS: '300' } });
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(String(result.stderr)).toMatch(/^still uploading after .*beat\.bin \d+%/m);
    expect(String(result.stderr)).not.toMatch(/\u001b|\r/);
  });
});
