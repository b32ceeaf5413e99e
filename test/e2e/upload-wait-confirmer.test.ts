// startConfirmer in-process against the built dev-server: the latency target of
// issue 6 (median <= 50 ms from the end of the PUT to confirmed, on loopback),
// deliveries that beat waitFor, the remote-API refusal and an idempotent close.
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dispatcher } from 'undici';
import { ApiClient } from '../../src/core/api-client.js';
import type { Confirmer } from '../../src/core/confirmer.js';
import { Cleanups, type Context } from '../../src/core/context.js';
import { createDispatcher } from '../../src/core/http.js';
import { Ui } from '../../src/core/output/ui.js';
import { startConfirmer } from '../../src/core/webhook-confirmer.js';
import { api, startDevServer, type DevServer } from '../helpers/dev-server.js';
import { makeSandbox, type Sandbox } from '../helpers/fastup.js';

let sandbox: Sandbox;
let server: DevServer;
let dispatcher: Dispatcher;
let client: ApiClient;
const stderr = new PassThrough();
let logged = '';
stderr.on('data', (c: Buffer) => (logged += c.toString()));

function context(signal = new AbortController().signal): Context {
  const ui = new Ui({ stdout: new PassThrough(), stderr, env: {}, json: false, quiet: false, verbose: false });
  return { env: {}, cwd: sandbox.dir, stdin: process.stdin, stdout: new PassThrough(), stderr, globals: { json: false, quiet: false, verbose: false, allowInsecureHttp: false }, ui, now: Date.now, signal, cleanups: new Cleanups() };
}

beforeAll(async () => {
  sandbox = makeSandbox();
  server = await startDevServer(sandbox);
  dispatcher = await createDispatcher();
  client = new ApiClient({ apiUrl: server.apiUrl, apiKey: server.apiKey, workspace: server.workspace, dispatcher, retries: 1 });
});
afterAll(async () => {
  await dispatcher?.close();
  await server?.stop();
  rmSync(sandbox.dir, { recursive: true, force: true });
});

async function put(path: string, body: Buffer): Promise<{ path: string; sizeBytes: number; sha256: string }> {
  const p = await client.presignUpload({ path, contentType: 'application/octet-stream' });
  const res = await fetch(p.uploadUrl, { method: 'PUT', headers: p.headers, body });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
  return { path, sizeBytes: body.length, sha256: createHash('sha256').update(body).digest('hex') };
}

describe('startConfirmer', () => {
  it('confirms within 50 ms (median) of the end of the PUT on loopback', async () => {
    const confirmer: Confirmer = await startConfirmer(context(), { client, apiUrl: server.apiUrl, ttlSeconds: 600 });
    try {
      const latencies: number[] = [];
      for (let i = 0; i < 15; i++) {
        const expected = await put(`/latency/${i}.bin`, Buffer.from(`payload ${i} ${Math.random()}`));
        const started = performance.now();
        await confirmer.waitFor(expected, 10_000);
        latencies.push(performance.now() - started);
      }
      latencies.sort((a, b) => a - b);
      expect(latencies[7]).toBeLessThanOrEqual(50);
    } finally {
      await confirmer.close();
    }
  });

  it('keeps a delivery that arrived before waitFor, and close() deletes the endpoint once, however often called', async () => {
    const confirmer = await startConfirmer(context(), { client, apiUrl: server.apiUrl, ttlSeconds: 600 });
    expect((await client.listWebhooks()).length).toBe(1);
    const expected = await put('/early/a.bin', Buffer.from('early bird'));
    await new Promise((r) => setTimeout(r, 300)); // the webhook is in long before we ask
    await confirmer.waitFor(expected, 1_000);
    await Promise.all([confirmer.close(), confirmer.close()]);
    await confirmer.close();
    expect(await client.listWebhooks()).toEqual([]);
  });

  it('rejects waitFor with the abort reason on Ctrl-C, and the cleanups delete the endpoint', async () => {
    const controller = new AbortController();
    const ctx = context(controller.signal);
    const confirmer = await startConfirmer(ctx, { client, apiUrl: server.apiUrl, ttlSeconds: 600 });
    const waiting = confirmer.waitFor({ path: '/never.bin', sizeBytes: 1, sha256: '0'.repeat(64) }, 60_000);
    const reason = new Error('interrupted');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    await ctx.cleanups.run();
    expect(await api(server, 'GET', '/webhooks')).toMatchObject({ body: { data: [] } });
  });

  it('refuses a remote API without --public-url (exit 2) before creating anything', async () => {
    await expect(startConfirmer(context(), { client, apiUrl: 'https://api.fast.io', ttlSeconds: 60 })).rejects.toMatchObject({
      exitCode: 2,
      code: 'PublicUrlRequired',
      hint: expect.stringContaining('--public-url'),
    });
    expect(await client.listWebhooks()).toEqual([]);
  });

  it('warns about a delivery it cannot verify', async () => {
    const confirmer = await startConfirmer(context(), { client, apiUrl: server.apiUrl, ttlSeconds: 600 });
    try {
      const [hook] = await client.listWebhooks();
      const res = await fetch(hook?.url as string, { method: 'POST', headers: { 'fastio-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` }, body: '{}' });
      expect(res.status).toBe(401);
      expect(logged).toMatch(/rejected a delivery .* with 401: no v1 signature matches; secret in use ends in whsec_…/);
    } finally {
      await confirmer.close();
    }
  });
});
