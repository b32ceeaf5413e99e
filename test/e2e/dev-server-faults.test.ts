// The TESTING ONLY --fault options other tests rely on: each does what
// docs/dev-server.md says, and only as many times as asked.
import { createHash, randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { api, presign, rawHttp, startDevServer, targetOf, type DevServer } from '../helpers/dev-server.js';
import { makeSandbox, type Sandbox } from '../helpers/fastup.js';

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');
let sandbox: Sandbox | undefined;
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  if (sandbox) rmSync(sandbox.dir, { recursive: true, force: true });
  sandbox = undefined;
});

async function start(...faults: string[]): Promise<DevServer> {
  sandbox ??= makeSandbox();
  const server = await startDevServer(sandbox, faults.flatMap((f) => ['--fault', f]));
  cleanups.push(() => server.stop());
  return server;
}

async function putOnce(server: DevServer, path: string, body: Buffer | string) {
  const p = await presign(server, path, { contentType: 'text/plain' });
  const started = Date.now();
  const answer = await rawHttp(server.apiUrl, {
    target: targetOf(p.uploadUrl),
    headers: { ...p.headers, 'Content-Length': String(Buffer.byteLength(body)) },
    body,
  }).catch((err: Error) => ({ status: 0, headers: {} as Record<string, string>, body: String(err), head: '' }));
  return { ...answer, ms: Date.now() - started };
}

describe('upload faults', () => {
  it('warns on stderr that faults are for testing only', async () => {
    const server = await start('put-status=503x1');
    expect(server.stderr()).toContain('TESTING ONLY');
  });

  it('put-status=503x2 fails the next two PUTs, then uploads work', async () => {
    const server = await start('put-status=503x2');
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await putOnce(server, '/f/status.txt', 'x')).status);
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('put-status=429x1,retry-after=1 sends Retry-After', async () => {
    const server = await start('put-status=429x1,retry-after=1');
    const answer = await putOnce(server, '/f/429.txt', 'x');
    expect(answer.status).toBe(429);
    expect(answer.headers['retry-after']).toBe('1');
    expect(JSON.parse(answer.body).error.code).toBe('RateLimited');
  });

  it('put-reset-after resets the connection mid-body once, committing nothing', async () => {
    const server = await start('put-reset-after=65536x1');
    const body = randomBytes(512 * 1024);
    const p = await presign(server, '/f/reset.bin');
    const first = await fetch(p.uploadUrl, { method: 'PUT', headers: p.headers, body }).then(
      (r) => r.status,
      (err: Error) => `${err.name}: ${(err.cause as { code?: string })?.code ?? err.message}`,
    );
    expect(first).not.toBe(200);
    expect((await api(server, 'GET', '/files?path=/f/reset.bin')).status).toBe(404);
    const second = await fetch(p.uploadUrl, { method: 'PUT', headers: p.headers, body });
    expect(second.status).toBe(200);
    expect(((await second.json()) as { sha256: string }).sha256).toBe(sha256(body));
  });

  it('put-throttle limits the ingest rate', async () => {
    const server = await start('put-throttle=262144');
    const answer = await putOnce(server, '/f/slow.bin', randomBytes(512 * 1024));
    expect(answer.status).toBe(200);
    expect(answer.ms).toBeGreaterThanOrEqual(1500);
  });

  it('put-delay delays the answer once', async () => {
    const server = await start('put-delay=700x1');
    expect((await putOnce(server, '/f/delay.txt', 'x')).ms).toBeGreaterThanOrEqual(650);
    expect((await putOnce(server, '/f/delay.txt', 'x')).ms).toBeLessThan(650);
  });

  it('api-status fails the next API call', async () => {
    const server = await start('api-status=503x1');
    const failed = await api(server, 'POST', '/files/presign-upload', { path: '/a', contentType: 'a/b' });
    expect(failed.status).toBe(503);
    expect(failed.body.error.code).toBe('ServiceUnavailable');
    expect((await api(server, 'POST', '/files/presign-upload', { path: '/a', contentType: 'a/b' })).status).toBe(200);
  });
});

describe('webhook faults', () => {
  async function hookedServer(...faults: string[]) {
    const events: any[] = [];
    const receiver = http.createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        events.push({ ...JSON.parse(text), receivedAt: Date.now() });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => receiver.close(() => r())));
    const server = await start(...faults);
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
    expect((await api(server, 'POST', '/webhooks', { url })).status).toBe(201);
    return { server, events };
  }
  const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('webhook-dropx1 never sends the next delivery; later ones arrive', async () => {
    const { server, events } = await hookedServer('webhook-dropx1');
    await putOnce(server, '/w/one.txt', 'one');
    await putOnce(server, '/w/two.txt', 'two');
    await settle(1500);
    expect(events.map((e) => e.data.path)).toEqual(['/w/two.txt']);
  });

  it('webhook-corrupt-sha256x1 and webhook-corrupt-sizex1 send wrong but signed data', async () => {
    const { server, events } = await hookedServer('webhook-corrupt-sha256x1', 'webhook-corrupt-sizex1');
    await putOnce(server, '/w/a.txt', 'aaa');
    await settle(300);
    await putOnce(server, '/w/b.txt', 'bbb');
    await settle(300);
    await putOnce(server, '/w/c.txt', 'ccc');
    await settle(300);
    const byPath = Object.fromEntries(events.map((e) => [e.data.path, e.data]));
    expect(byPath['/w/a.txt'].sha256).not.toBe(sha256('aaa'));
    expect(byPath['/w/a.txt'].sizeBytes).toBe(3);
    expect(byPath['/w/b.txt'].sha256).toBe(sha256('bbb'));
    expect(byPath['/w/b.txt'].sizeBytes).not.toBe(3);
    expect(byPath['/w/c.txt']).toMatchObject({ sha256: sha256('ccc'), sizeBytes: 3 });
  });

  it('webhook-delay holds the next delivery back', async () => {
    const { server, events } = await hookedServer('webhook-delay=1000x1');
    const done = Date.now();
    await putOnce(server, '/w/late.txt', 'late');
    await settle(1500);
    expect(events).toHaveLength(1);
    expect(events[0].receivedAt - done).toBeGreaterThanOrEqual(950);
  });
});
