// Temporary endpoints against a small in-process API (SPEC 1.3 webhooks):
// created with a TTL, renewed before it lapses, deleted even after Ctrl-C.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Dispatcher } from 'undici';
import { ApiClient } from '../../src/core/api-client.js';
import { createDispatcher } from '../../src/core/http.js';
import { assertReachable, TemporaryEndpoint } from '../../src/core/webhook-endpoint.js';

interface Hook {
  id: string;
  url: string;
  events: string[];
  ttlSeconds?: number;
  secret: string;
}

const hooks = new Map<string, Hook>();
const calls: string[] = [];
let n = 0;
let api: http.Server;
let apiUrl = '';
let dispatcher: Dispatcher;

beforeAll(async () => {
  api = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      calls.push(`${req.method} ${req.url}`);
      const json = (status: number, value?: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(value === undefined ? '' : JSON.stringify(value));
      if (req.method === 'POST') {
        const hook = { ...(JSON.parse(body) as Omit<Hook, 'id' | 'secret'>), id: `wh_${++n}`, secret: `whsec_secret_${n}_abcdef` };
        hooks.set(hook.id, hook);
        return json(201, hook);
      }
      if (req.method === 'DELETE') {
        hooks.delete(req.url?.split('/').pop() ?? '');
        return json(204);
      }
      json(200, { data: [...hooks.values()].map(({ secret: _s, ...rest }) => rest) });
    });
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  dispatcher = await createDispatcher();
});
afterAll(async () => {
  await dispatcher.close();
  await new Promise<void>((r) => api.close(() => r()));
});
beforeEach(() => {
  hooks.clear();
  calls.length = 0;
});

const clientWith = (signal?: AbortSignal) =>
  new ApiClient({ apiUrl, apiKey: 'fio_unit_key_0000', workspace: 'ws_unit', dispatcher, retries: 0, ...(signal ? { signal } : {}) });

describe('TemporaryEndpoint', () => {
  it('creates the endpoint with its TTL and deletes it once, however often closed', async () => {
    const endpoint = await TemporaryEndpoint.create(clientWith(), { url: 'http://127.0.0.1:1/webhooks', events: ['file.committed'], ttlSeconds: 600 });
    expect([...hooks.values()]).toEqual([expect.objectContaining({ url: 'http://127.0.0.1:1/webhooks', events: ['file.committed'], ttlSeconds: 600 })]);
    expect(endpoint.secrets()).toEqual([hooks.get(endpoint.id)?.secret]);
    await Promise.all([endpoint.close(), endpoint.close()]);
    expect(hooks.size).toBe(0);
    expect(calls.filter((c) => c.startsWith('DELETE'))).toHaveLength(1);
  });

  it('still deletes the endpoint when the client signal was aborted (Ctrl-C)', async () => {
    const controller = new AbortController();
    const endpoint = await TemporaryEndpoint.create(clientWith(controller.signal), { url: 'http://x/h', events: ['file.committed'], ttlSeconds: 600 });
    controller.abort(new Error('interrupted'));
    await endpoint.close();
    expect(hooks.size).toBe(0);
  });

  it('renews itself before the TTL lapses, keeping the old secret for deliveries already signed', async () => {
    const log: string[] = [];
    const endpoint = await TemporaryEndpoint.create(clientWith(), { url: 'http://x/h', events: ['file.committed'], ttlSeconds: 6, log: (l) => log.push(l) });
    const first = endpoint.id;
    const firstSecret = endpoint.secrets()[0];
    await expect.poll(() => endpoint.id, { timeout: 8_000, interval: 100 }).not.toBe(first);
    await expect.poll(() => hooks.has(first), { timeout: 2_000 }).toBe(false);
    expect([...hooks.keys()]).toEqual([endpoint.id]);
    expect(endpoint.secrets()).toEqual([hooks.get(endpoint.id)?.secret, firstSecret]);
    expect(log.join('\n')).toContain(`renewed the temporary webhook endpoint: ${first} -> ${endpoint.id}`);
    await endpoint.close();
    expect(hooks.size).toBe(0);
  }, 15_000);
});

describe('assertReachable', () => {
  it.each([
    ['http://127.0.0.1:8420', undefined, true],
    ['http://localhost:8420', undefined, true],
    ['http://[::1]:8420', undefined, true],
    ['https://api.fast.io', undefined, false],
    ['https://api.fast.io', 'https://tunnel.example.com/hooks', true],
  ])('%s with public URL %s -> %s', (api, publicUrl, ok) => {
    const run = () => assertReachable(api, publicUrl, '--listen');
    if (ok) expect(run).not.toThrow();
    else expect(run).toThrow(expect.objectContaining({ exitCode: 2, code: 'PublicUrlRequired' }));
  });
});
