// watch-webhooks --register against the built dev-server: a real commit arrives
// through a temporary endpoint, and the endpoint is gone however the watch ends.
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, presign, startDevServer, type DevServer, clientEnv } from '../helpers/dev-server.js';
import { makeSandbox, type Sandbox } from '../helpers/fastup.js';
import { startWatch, type Watch } from './watch-webhooks-helpers.js';

let sandbox: Sandbox;
let server: DevServer;
let env: Record<string, string>;
const running: Watch[] = [];

beforeAll(async () => {
  sandbox = makeSandbox();
  server = await startDevServer(sandbox);
  env = clientEnv(server);
});
afterEach(() => {
  for (const w of running.splice(0)) w.child.kill('SIGKILL');
});
afterAll(async () => {
  await server?.stop();
  rmSync(sandbox.dir, { recursive: true, force: true });
});

async function watch(args: string[]): Promise<Watch> {
  const w = await startWatch(sandbox, ['--register', '--port', '0', ...args], env);
  running.push(w);
  return w;
}

const endpoints = async () => (await api<{ data: { id: string; url: string; expiresAt?: string }[] }>(server, 'GET', '/webhooks')).body.data;

async function put(path: string, body: string): Promise<void> {
  const p = await presign(server, path, { contentType: 'text/plain' });
  const res = await fetch(p.uploadUrl, { method: 'PUT', headers: p.headers, body });
  expect(res.status).toBe(200);
}

describe('watch-webhooks --register', () => {
  it('receives a real commit through a temporary endpoint and deletes it when --count is reached', async () => {
    const w = await watch(['--json', '--count', '1']);
    const listed = await endpoints();
    expect(listed).toHaveLength(1);
    expect(listed[0]?.url).toBe(w.url);
    expect(listed[0]?.expiresAt).toBeDefined(); // ttlSeconds: a killed watch leaves nothing for long
    expect(w.stderr()).toMatch(/registered temporary endpoint wh_\S+ -> http:\/\/127\.0\.0\.1/);

    const content = 'hello from a real commit\n';
    await put('/watch/real.txt', content);
    const result = await w.child;
    expect(result.exitCode).toBe(0);
    const event = JSON.parse(w.stdout().trim()) as { type: string; data: { path: string; sizeBytes: number; sha256: string } };
    expect(event.type).toBe('file.committed');
    expect(event.data).toMatchObject({
      path: '/watch/real.txt',
      sizeBytes: Buffer.byteLength(content),
      sha256: createHash('sha256').update(content).digest('hex'),
    });
    expect(await endpoints()).toEqual([]);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('deletes its endpoint on %s and exits %i', async (signal, code) => {
    const w = await watch([]);
    expect(await endpoints()).toHaveLength(1);
    w.child.kill(signal);
    expect((await w.child).exitCode).toBe(code);
    expect(await endpoints()).toEqual([]);
  });

  it('deletes its endpoint when --timeout ends the watch (exit 7)', async () => {
    const w = await watch(['--timeout', '1s']);
    expect(await endpoints()).toHaveLength(1);
    expect((await w.child).exitCode).toBe(7);
    expect(await endpoints()).toEqual([]);
  });
});
