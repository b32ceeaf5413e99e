// The listener core in-process, over real loopback sockets: statuses SPEC 1.3
// asks of a receiver, the body cap, repeats, and the slow-client limits.
import { connect, createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { signatureHeader } from '../../src/core/webhook-signature.js';
import { startWebhookListener, type ListenerOptions, type ListenerReport, type VerifiedDelivery, type WebhookListener } from '../../src/core/webhook-listener.js';

const SECRET = 'whsec_unit_5W2pTnY8cQ1vKm3RzLx7aF0d';
const NOW = 1_796_292_000_000; // the listener's injected clock, in ms
const T = NOW / 1000;

const open: WebhookListener[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((l) => l.close()));
});

async function listen(overrides: Partial<ListenerOptions> = {}) {
  const deliveries: VerifiedDelivery[] = [];
  const reports: ListenerReport[] = [];
  const listener = await startWebhookListener({
    port: 0,
    path: '/webhooks',
    secrets: () => [SECRET],
    toleranceSeconds: 300,
    now: () => NOW,
    onDelivery: (d) => {
      deliveries.push(d);
      return 200;
    },
    report: (r) => reports.push(r),
    ...overrides,
  });
  open.push(listener);
  return { listener, deliveries, reports };
}

const event = (id: string, extra = {}) =>
  JSON.stringify({ id, type: 'file.committed', createdAt: '2026-12-03T10:00:00Z', data: { path: '/a.bin', sizeBytes: 3, sha256: 'ab'.repeat(32), ...extra } });

function post(url: string, body: string | Buffer, header?: string, init: RequestInit = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(header === undefined ? {} : { 'fastio-signature': header }) },
    body,
    ...init,
  });
}

describe('webhook listener', () => {
  it('answers 200 to a verified delivery and hands over the raw bytes and the parsed event', async () => {
    const { listener, deliveries } = await listen();
    const body = event('evt_1');
    const res = await post(listener.url, body, signatureHeader(SECRET, T, body));
    expect(res.status).toBe(200);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]?.raw.toString('utf8')).toBe(body);
    expect(deliveries[0]?.event.id).toBe('evt_1');
    expect(deliveries[0]?.signature).toBe(signatureHeader(SECRET, T, body));
  });

  it('verifies whitespace-formatted and non-ASCII bodies byte for byte', async () => {
    const { listener, deliveries } = await listen();
    const pretty = JSON.stringify(JSON.parse(event('evt_ws')), null, 2);
    const unicode = event('evt_uni', { path: '/uploads/résumé final (2) ✓.pdf' });
    for (const body of [pretty, unicode]) {
      expect((await post(listener.url, body, signatureHeader(SECRET, T, body))).status).toBe(200);
    }
    expect(deliveries.map((d) => d.event.id)).toEqual(['evt_ws', 'evt_uni']);
    expect(deliveries[1]?.event.data?.path).toBe('/uploads/résumé final (2) ✓.pdf');
  });

  it('answers 401 to a tampered body and says why, with the last four characters of the secret', async () => {
    const { listener, deliveries, reports } = await listen();
    const body = event('evt_t');
    const res = await post(listener.url, body.replace('"sizeBytes":3', '"sizeBytes":4'), signatureHeader(SECRET, T, body));
    expect(res.status).toBe(401);
    expect(deliveries).toHaveLength(0);
    const report = reports.find((r) => r.kind === 'rejected');
    expect(report).toMatchObject({ status: 401, reason: 'mismatch' });
    expect(report && 'message' in report ? report.message : '').toContain('…aF0d');
    expect(JSON.stringify(reports)).not.toContain(SECRET);
  });

  it('recognises a body re-serialized after signing', async () => {
    const { listener, reports } = await listen();
    const body = event('evt_r');
    const reformatted = JSON.stringify(JSON.parse(body), null, 2);
    expect((await post(listener.url, reformatted, signatureHeader(SECRET, T, body))).status).toBe(401);
    expect(reports[0]).toMatchObject({ kind: 'rejected', status: 401 });
    expect((reports[0] as { message: string }).message).toMatch(/re-serialized/);
  });

  it('answers 400 to a stale or future timestamp and reports the clock difference', async () => {
    const { listener, reports } = await listen();
    const body = event('evt_s');
    expect((await post(listener.url, body, signatureHeader(SECRET, T - 301, body))).status).toBe(400);
    expect((await post(listener.url, body, signatureHeader(SECRET, T + 400, body))).status).toBe(400);
    expect(reports.map((r) => (r as { message: string }).message)).toEqual([
      expect.stringMatching(/301 s ahead/),
      expect.stringMatching(/400 s behind/),
    ]);
  });

  it('answers 400 to a missing or garbage header and 401 to a wrong secret', async () => {
    const { listener } = await listen();
    const body = event('evt_h');
    expect((await post(listener.url, body)).status).toBe(400);
    expect((await post(listener.url, body, 'not a signature')).status).toBe(400);
    expect((await post(listener.url, body, signatureHeader('whsec_other_secret_value', T, body))).status).toBe(401);
  });

  it('accepts any of several secrets (rotation) and waits for a secret still being fetched', async () => {
    let give!: (s: string[]) => void;
    const pending = new Promise<string[]>((resolve) => (give = resolve));
    const { listener, deliveries } = await listen({ secrets: () => pending });
    const body = event('evt_p');
    const answer = post(listener.url, body, signatureHeader('whsec_new_secret_value_1234', T, body));
    setTimeout(() => give(['whsec_old_secret_value_0000', 'whsec_new_secret_value_1234']), 50);
    expect((await answer).status).toBe(200);
    expect(deliveries).toHaveLength(1);
  });

  it('answers 404 off the path and 405 to other methods, without verifying', async () => {
    const { listener, deliveries } = await listen();
    const base = new URL(listener.url);
    expect((await fetch(new URL('/other', base), { method: 'POST', body: '{}' })).status).toBe(404);
    const get = await fetch(listener.url);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(deliveries).toHaveLength(0);
  });

  it('answers 413 past 1 MiB, announced or chunked, before verifying', async () => {
    const { listener, reports } = await listen();
    const big = Buffer.alloc((1 << 20) + 1, 0x20);
    expect((await post(listener.url, big, signatureHeader(SECRET, T, big))).status).toBe(413);
    async function* chunks() {
      for (let i = 0; i < big.length; i += 65536) yield big.subarray(i, i + 65536);
    }
    const chunked = await post(listener.url, chunks() as unknown as Buffer, 't=1,v1=00', { duplex: 'half' } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(reports.filter((r) => r.kind === 'rejected' && r.status === 413)).toHaveLength(2);
    // exactly 1 MiB is fine
    const max = Buffer.concat([Buffer.from(event('evt_big')), Buffer.alloc((1 << 20) - Buffer.byteLength(event('evt_big')), 0x20)]);
    expect((await post(listener.url, max, signatureHeader(SECRET, T, max))).status).toBe(200);
  });

  it('acknowledges a repeated event id but hands it over once', async () => {
    const { listener, deliveries, reports } = await listen();
    const body = event('evt_dup');
    for (let i = 0; i < 3; i++) expect((await post(listener.url, body, signatureHeader(SECRET, T + i, body))).status).toBe(200);
    expect(deliveries).toHaveLength(1);
    expect(reports.filter((r) => r.kind === 'duplicate')).toHaveLength(2);
  });

  it('passes on a non-2xx answer and hands a retry over again, marked as a repeat', async () => {
    const statuses = [503, 200];
    const seen: boolean[] = [];
    const { listener } = await listen({
      onDelivery: (d) => {
        seen.push(d.repeat);
        return statuses.shift() ?? 200;
      },
    });
    const body = event('evt_retry');
    const send = async () => (await post(listener.url, body, signatureHeader(SECRET, T, body))).status;
    expect([await send(), await send(), await send()]).toEqual([503, 200, 200]);
    expect(seen).toEqual([false, true]);
  });

  it('answers 400 to a verified body that is not a JSON event', async () => {
    const { listener, deliveries } = await listen();
    expect((await post(listener.url, 'hello', signatureHeader(SECRET, T, 'hello'))).status).toBe(400);
    expect(deliveries).toHaveLength(0);
  });
});

describe('webhook listener binding and limits', () => {
  it('binds 127.0.0.1 and ::1 on one port, so localhost reaches it either way', async () => {
    const { listener, deliveries } = await listen();
    expect(listener.urls).toEqual([`http://127.0.0.1:${listener.port}/webhooks`, `http://[::1]:${listener.port}/webhooks`]);
    for (const host of ['127.0.0.1', '[::1]', 'localhost']) {
      const body = event(`evt_${host}`);
      expect((await post(`http://${host}:${listener.port}/webhooks`, body, signatureHeader(SECRET, T, body))).status).toBe(200);
    }
    expect(deliveries).toHaveLength(3);
  });

  it('turns a port in use into a one-line usage error', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(listen({ port })).rejects.toMatchObject({ exitCode: 2, code: 'PortInUse', message: expect.stringContaining(`${port}`) });
    } finally {
      blocker.close();
    }
  });

  it('drops a client that sends its headers too slowly (slowloris)', async () => {
    const { listener } = await listen({ limits: { headersTimeoutMs: 300, requestTimeoutMs: 600 } });
    const socket = connect(listener.port, '127.0.0.1');
    socket.write('POST /webhooks HTTP/1.1\r\nHost: x\r\n');
    const started = Date.now();
    const ended = await new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('close', () => resolve(text));
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(ended).toMatch(/^HTTP\/1.1 408|^$/);
  });

  it('caps concurrent connections', async () => {
    const { listener } = await listen({ limits: { maxConnections: 2 } });
    const sockets = [0, 1, 2].map(() => connect(listener.port, '127.0.0.1'));
    const closed = await new Promise<number>((resolve) => {
      sockets[2]?.on('close', () => resolve(2));
      setTimeout(() => resolve(-1), 3_000);
    });
    expect(closed).toBe(2);
    for (const s of sockets) s.destroy();
  });
});
