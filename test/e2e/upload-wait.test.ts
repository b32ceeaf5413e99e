// upload --wait (SPEC 2.1) with the built binary against the built dev-server:
// confirmed by a verified webhook, exit 7 on a wrong hash or no webhook (with
// the committed / not committed diagnosis), and the temporary endpoint gone
// in every case, Ctrl-C included.
import { createHash } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startDevServer, type DevServer, clientEnv } from '../helpers/dev-server.js';
import { fastup, makeSandbox, type Sandbox } from '../helpers/fastup.js';

let sandbox: Sandbox;
const servers: DevServer[] = [];
const content = randomBytes(200_000);
const sha256 = createHash('sha256').update(content).digest('hex');
let file: string;

beforeAll(() => {
  sandbox = makeSandbox();
  file = join(sandbox.dir, 'report.bin');
  writeFileSync(file, content);
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  rmSync(sandbox.dir, { recursive: true, force: true });
});

async function devServer(faults: string[] = []): Promise<DevServer> {
  const server = await startDevServer(sandbox, faults.flatMap((f) => ['--fault', f]));
  servers.push(server);
  return server;
}

const envOf = clientEnv;
const endpoints = async (s: DevServer) => (await api<{ data: unknown[] }>(s, 'GET', '/webhooks')).body.data;
async function freePort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}
const upload = (s: DevServer, args: string[]) => fastup(['upload', file, '--wait', ...args], { sandbox, env: envOf(s) });

describe('upload --wait', () => {
  it('confirms the file by its webhook, in the human line and the JSON line, and leaves no endpoint', async () => {
    const server = await devServer();
    const human = await upload(server, ['--to', '/wait/human.bin']);
    expect(human.exitCode, String(human.stderr)).toBe(0);
    expect(`${human.stdout}\n${human.stderr}`).toMatch(/confirmed .*\/wait\/human\.bin/);

    const json = await fastup(['--json', 'upload', file, '--wait', '--to', '/wait/json.bin'], { sandbox, env: envOf(server) });
    expect(json.exitCode, String(json.stderr)).toBe(0);
    const line = JSON.parse(String(json.stdout).trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ path: '/wait/json.bin', status: 'confirmed', sizeBytes: content.length, sha256 });
    expect(await endpoints(server)).toEqual([]);
  });

  it('listens where --listen says', async () => {
    const server = await devServer();
    const port = await freePort();
    const result = await upload(server, ['--to', '/wait/listen.bin', '--listen', `127.0.0.1:${port}`, '--verbose']);
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(result.stderr).toContain(`listening on http://127.0.0.1:${port}/webhooks`);
  });

  it('registers --public-url as the endpoint, whatever path a proxy there forwards to', async () => {
    const server = await devServer();
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}/through/a/tunnel`;
    const result = await upload(server, ['--to', '/wait/public.bin', '--listen', `127.0.0.1:${port}`, '--public-url', publicUrl, '--verbose']);
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(result.stderr).toContain(`delivers to ${publicUrl}`);
  });

  it('fails with 7 at once when the webhook carries another sha256, and deletes the endpoint', async () => {
    const server = await devServer(['webhook-corrupt-sha256x1']);
    const started = Date.now();
    const result = await fastup(['--json', 'upload', file, '--wait', '--to', '/wait/corrupt.bin'], { sandbox, env: envOf(server) });
    expect(result.exitCode).toBe(7);
    expect(Date.now() - started).toBeLessThan(20_000); // not the 2 min --wait-timeout
    const line = JSON.parse(String(result.stdout).trim()) as { status: string; error: { code: string; message: string; exitCode: number } };
    expect(line.status).toBe('failed');
    expect(line.error).toMatchObject({ code: 'ConfirmationMismatch', exitCode: 7 });
    expect(line.error.message).toContain(`fastup sent ${content.length} bytes, sha256 ${sha256}`);
    expect(await endpoints(server)).toEqual([]);
  });

  it('on a timeout with the file committed, exits 7 saying no webhook reached the listener (suggesting --public-url)', async () => {
    const server = await devServer(['webhook-dropx1']);
    const result = await upload(server, ['--to', '/wait/dropped.bin', '--wait-timeout', '2s']);
    expect(result.exitCode).toBe(7);
    expect(result.stderr).toMatch(/^error: \S*report\.bin: committed intact as \/wait\/dropped\.bin \(.*no file\.committed webhook within 2\.0s reached the listener/m);
    expect(result.stderr).toContain('--public-url');
    expect(await endpoints(server)).toEqual([]);
  });

  it('on a timeout with nothing committed, exits 7 saying so', async () => {
    const server = await devServer();
    // An upload host that answers 200 but stores nothing.
    const liar = http.createServer((req, res) => req.resume().on('end', () => res.writeHead(200).end()));
    await new Promise<void>((r) => liar.listen(0, '127.0.0.1', r));
    const presigned = join(sandbox.dir, 'liar.json');
    writeFileSync(presigned, JSON.stringify({ uploadUrl: `http://127.0.0.1:${(liar.address() as AddressInfo).port}/put/ghost`, method: 'PUT', headers: {} }));
    try {
      const result = await upload(server, ['--to', '/wait/ghost.bin', '--presigned', presigned, '--wait-timeout', '1s']);
      expect(result.exitCode).toBe(7);
      expect(result.stderr).toMatch(/: not committed: no file\.committed webhook within 1\.0s, and the API has no file at \/wait\/ghost\.bin/);
      expect(await endpoints(server)).toEqual([]);
    } finally {
      liar.close();
    }
  });

  it('exits 130 on Ctrl-C while waiting and deletes the endpoint', async () => {
    const server = await devServer(['webhook-delay=30000x1']);
    const child = fastup(['upload', file, '--wait', '--to', '/wait/interrupted.bin'], { sandbox, env: envOf(server) });
    await expect
      .poll(async () => (await api(server, 'GET', `/files?path=${encodeURIComponent('/wait/interrupted.bin')}`)).status, { timeout: 15_000 })
      .toBe(200); // committed: now it is waiting for the (delayed) webhook
    expect(await endpoints(server)).toHaveLength(1);
    child.kill('SIGINT');
    expect((await child).exitCode).toBe(130);
    expect(await endpoints(server)).toEqual([]);
  });

  it('when the endpoint cannot be registered: that error alone, no upload, and no talk of deleting an endpoint that never was', async () => {
    // The first API request of `upload --wait` is the endpoint's registration.
    const server = await devServer(['api-status=400x1']);
    const result = await upload(server, ['--to', '/wait/unregistered.bin']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^error: creating a webhook endpoint was refused/m);
    expect(result.stderr).not.toMatch(/could not delete/);
    expect((await api(server, 'GET', '/files?path=/wait/unregistered.bin')).status).toBe(404);
    expect(await endpoints(server)).toEqual([]);
  });

  it('exits 2 at once for a remote API without --public-url, saying how to give one', async () => {
    const result = await fastup(['upload', file, '--wait', '--to', '/x.bin'], {
      sandbox,
      env: { FASTUP_API_URL: 'https://api.example.invalid', FASTUP_API_KEY: 'fio_test_key_123456', FASTUP_WORKSPACE: 'ws_x' },
      timeout: 15_000,
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--public-url');
  });
});
