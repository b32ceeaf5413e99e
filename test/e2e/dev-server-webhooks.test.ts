// SPEC 1.3 deliveries from the built dev-server to real local receivers:
// signed, retried with the same id, per-endpoint queues, and the outbox that
// survives kill -9.
import { rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/core/webhook-signature.js';
import { api, presign, startDevServer, type DevServer } from '../helpers/dev-server.js';
import { makeSandbox, type Sandbox } from '../helpers/fastup.js';

interface Delivery {
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  event: any;
  at: number;
}

interface Receiver {
  url: string;
  deliveries: Delivery[];
  /** Resolves once N deliveries arrived (rejects after timeoutMs). */
  waitFor(n: number, timeoutMs?: number): Promise<Delivery[]>;
  close(): Promise<void>;
}

/** A local webhook receiver; `answer` decides each status (and may delay it). */
async function receiver(answer: (n: number) => number | Promise<number> = () => 200): Promise<Receiver> {
  const deliveries: Delivery[] = [];
  const waiters: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      deliveries.push({ headers: req.headers, body, event: JSON.parse(body.toString('utf8')), at: Date.now() });
      for (const w of waiters.splice(0)) w();
      const status = await answer(deliveries.length);
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    deliveries,
    waitFor: (n, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${deliveries.length} of ${n} deliveries arrived`)), timeoutMs);
        const check = (): void => {
          if (deliveries.length >= n) {
            clearTimeout(timer);
            resolve(deliveries);
          } else waiters.push(check);
        };
        check();
      }),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

let sandbox: Sandbox;
let server: DevServer;
const receivers: Receiver[] = [];
const extraServers: DevServer[] = [];

beforeAll(async () => {
  sandbox = makeSandbox();
  server = await startDevServer(sandbox);
});

afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close();
  for (const s of extraServers.splice(0)) await s.kill();
  for (const w of (await api(server, 'GET', '/webhooks')).body.data) await api(server, 'DELETE', `/webhooks/${w.id}`);
});

afterAll(async () => {
  await server?.stop();
  rmSync(sandbox.dir, { recursive: true, force: true });
});

async function endpoint(on: DevServer, r: Receiver, extra: Record<string, unknown> = {}): Promise<string> {
  const created = await api(on, 'POST', '/webhooks', { url: r.url, events: ['file.committed'], ...extra });
  expect(created.status).toBe(201);
  return created.body.secret;
}

async function upload(on: DevServer, path: string, body: string): Promise<{ sha256: string; doneAt: number }> {
  const p = await presign(on, path, { contentType: 'text/plain' });
  const res = await fetch(p.uploadUrl, { method: 'PUT', headers: p.headers, body });
  expect(res.status).toBe(200);
  const json = (await res.json()) as { sha256: string };
  return { sha256: json.sha256, doneAt: Date.now() };
}

function verified(d: Delivery, secret: string): boolean {
  const header = d.headers['fastio-signature'];
  return verifySignature({ secret, header: typeof header === 'string' ? header : undefined, body: d.body, nowSeconds: Math.floor(Date.now() / 1000) }).ok;
}

describe('file.committed deliveries', () => {
  it('delivers a signed file.committed event right after the commit', async () => {
    const r = await receiver();
    receivers.push(r);
    const secret = await endpoint(server, r);
    const { sha256, doneAt } = await upload(server, '/hooks/one.txt', 'hello webhook');
    const [d] = await r.waitFor(1);
    expect(verified(d!, secret)).toBe(true);
    expect(verified(d!, 'whsec_other')).toBe(false);
    expect(d!.headers['content-type']).toBe('application/json');
    expect(d!.event).toEqual({
      id: expect.stringMatching(/^evt_/),
      type: 'file.committed',
      createdAt: expect.any(String),
      data: { workspace_id: server.workspace, path: '/hooks/one.txt', sizeBytes: 13, contentType: 'text/plain', sha256 },
    });
    expect(Number.isNaN(Date.parse(d!.event.createdAt))).toBe(false);
    // Loopback target is < 50 ms; leave room for a loaded CI machine.
    expect(d!.at - doneAt).toBeLessThan(1000);
  });

  it('retries after a 500 with the same event id and body', async () => {
    const r = await receiver((n) => (n === 1 ? 500 : 200));
    receivers.push(r);
    const secret = await endpoint(server, r);
    await upload(server, '/hooks/retry.txt', 'again');
    const [first, second] = await r.waitFor(2, 15_000);
    expect(second!.event.id).toBe(first!.event.id);
    expect(second!.body.equals(first!.body)).toBe(true);
    expect(verified(second!, secret)).toBe(true);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(900);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(r.deliveries).toHaveLength(2);
  });

  it('keeps a slow endpoint from delaying the upload or another endpoint', async () => {
    const slow = await receiver(() => new Promise((resolve) => setTimeout(() => resolve(200), 4000)));
    const fast = await receiver();
    receivers.push(slow, fast);
    await endpoint(server, slow);
    await endpoint(server, fast);
    const started = Date.now();
    const { doneAt } = await upload(server, '/hooks/slow-1.txt', 'one');
    await upload(server, '/hooks/slow-2.txt', 'two');
    expect(Date.now() - started).toBeLessThan(1500);
    const got = await fast.waitFor(2, 2000);
    expect(got[0]!.at - doneAt).toBeLessThan(1000);
    expect(got.map((d) => d.event.data.path).sort()).toEqual(['/hooks/slow-1.txt', '/hooks/slow-2.txt']);
  });

  it('does not deliver to an endpoint whose ttlSeconds have passed', async () => {
    const r = await receiver();
    receivers.push(r);
    await endpoint(server, r, { ttlSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1300));
    await upload(server, '/hooks/late.txt', 'late');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(r.deliveries).toHaveLength(0);
  });

  it('preconfigures --webhook endpoints, prints their secrets and keeps them across restarts', async () => {
    const r = await receiver();
    receivers.push(r);
    const box = makeSandbox();
    try {
      const first = await startDevServer(box, ['--webhook', r.url]);
      extraServers.push(first);
      expect(first.webhooks).toEqual([{ id: expect.stringMatching(/^wh_/), url: r.url, secret: expect.stringMatching(/^whsec_/) }]);
      await upload(first, '/pre.txt', 'pre');
      const [d] = await r.waitFor(1);
      expect(verified(d!, first.webhooks[0]!.secret)).toBe(true);
      await first.stop();
      const again = await startDevServer(box, ['--webhook', r.url], { dataDir: first.dataDir });
      extraServers.push(again);
      expect(again.webhooks).toEqual(first.webhooks);
    } finally {
      rmSync(box.dir, { recursive: true, force: true });
    }
  });

  it('delivers from the outbox after kill -9 and a restart', async () => {
    const r = await receiver();
    receivers.push(r);
    const box = makeSandbox();
    try {
      // The fault holds the first delivery back long enough to kill the server before it goes out.
      const first = await startDevServer(box, ['--fault', 'webhook-delay=10000x1']);
      extraServers.push(first);
      const secret = await endpoint(first, r);
      const { sha256 } = await upload(first, '/outbox.txt', 'survives');
      await first.kill();
      expect(r.deliveries).toHaveLength(0);
      const again = await startDevServer(box, [], { dataDir: first.dataDir });
      extraServers.push(again);
      const [d] = await r.waitFor(1, 5000);
      expect(verified(d!, secret)).toBe(true);
      expect(d!.event.data).toMatchObject({ path: '/outbox.txt', sha256 });
    } finally {
      rmSync(box.dir, { recursive: true, force: true });
    }
  });
});
