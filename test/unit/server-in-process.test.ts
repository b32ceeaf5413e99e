// startServer used in-process with an injected clock: expiry and lock TTLs
// without waiting, and the logger receiving request lines without secrets.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type RequestLog, type RunningServer } from '../../src/server/server.js';

let clock = Date.parse('2026-03-01T12:00:00Z');
const logs: RequestLog[] = [];
let running: RunningServer | undefined;
let dataDir = '';

afterEach(async () => {
  await running?.close();
  running = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<RunningServer> {
  dataDir = mkdtempSync(join(tmpdir(), 'fastup-inproc-'));
  running = await startServer(
    { dataDir, host: '127.0.0.1', port: 0, maxFileSize: 1024 },
    { now: () => clock, logRequest: (e) => logs.push(e), logEvent: () => {} },
  );
  return running;
}

async function call(server: RunningServer, method: string, sub: string, body?: unknown) {
  const { apiKey, workspace } = server.core.identity;
  const res = await fetch(`${server.url}/v1/workspaces/${workspace}${sub}`, {
    method,
    headers: { Authorization: `Bearer ${apiKey}` },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe('startServer in-process', () => {
  it('expires URLs by the injected clock', async () => {
    const server = await start();
    const p = await call(server, 'POST', '/files/presign-upload', { path: '/t.txt', contentType: 'text/plain', expiresIn: 60 });
    expect(p.body.expiresAt).toBe('2026-03-01T12:01:00Z');
    const put = () => fetch(p.body.uploadUrl, { method: 'PUT', headers: p.body.headers, body: 'x' });
    clock += 60_000;
    expect((await put()).status).toBe(200);
    clock += 1_000;
    const late = await put();
    expect(late.status).toBe(403);
    expect(((await late.json()) as any).error.code).toBe('RequestExpired');
  });

  it('lets locks lapse by the injected clock', async () => {
    const server = await start();
    expect((await call(server, 'POST', '/locks', { path: '/l.txt', ttlSeconds: 30 })).status).toBe(201);
    expect((await call(server, 'POST', '/locks', { path: '/l.txt' })).status).toBe(409);
    clock += 30_001;
    expect((await call(server, 'POST', '/locks', { path: '/l.txt' })).status).toBe(201);
  });

  it('logs method, path without query, status and time', async () => {
    const server = await start();
    logs.length = 0;
    await call(server, 'GET', '/files?path=/nothing');
    expect(logs).toEqual([{ method: 'GET', path: `/v1/workspaces/${server.core.identity.workspace}/files`, status: 404, ms: expect.any(Number) }]);
  });
});

describe('slow clients', () => {
  async function startWithLimits(limits: { headersTimeoutMs?: number; idleTimeoutMs?: number }): Promise<RunningServer> {
    dataDir = mkdtempSync(join(tmpdir(), 'fastup-inproc-'));
    running = await startServer(
      { dataDir, host: '127.0.0.1', port: 0, maxFileSize: 1024, limits },
      { now: Date.now, logRequest: () => {}, logEvent: () => {} },
    );
    return running;
  }

  function openSocket(server: RunningServer): Promise<{ socket: Socket; closed: Promise<string> }> {
    const url = new URL(server.url);
    const socket = connect(Number(url.port), url.hostname);
    let received = '';
    socket.on('data', (c: Buffer) => (received += c.toString()));
    const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(received)));
    socket.on('error', () => {});
    return new Promise((resolve) => socket.once('connect', () => resolve({ socket, closed })));
  }

  it('drops a client that trickles its request head (slowloris)', async () => {
    const server = await startWithLimits({ headersTimeoutMs: 400 });
    const { socket, closed } = await openSocket(server);
    socket.write('GET /v1/workspaces/x/cors HTTP/1.1\r\nHost: x\r\n');
    const trickle = setInterval(() => socket.write('X-Slow: 1\r\n'), 100);
    const started = Date.now();
    const answer = await closed;
    clearInterval(trickle);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
  });

  it('drops a client that stalls in the middle of a body', async () => {
    const server = await startWithLimits({ idleTimeoutMs: 400 });
    const { apiKey, workspace } = server.core.identity;
    const p = (await (
      await fetch(`${server.url}/v1/workspaces/${workspace}/files/presign-upload`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ path: '/stall.bin', contentType: 'a/b' }),
      })
    ).json()) as { uploadUrl: string; headers: Record<string, string> };
    const { socket, closed } = await openSocket(server);
    const target = p.uploadUrl.slice(server.url.length);
    socket.write(`PUT ${target} HTTP/1.1\r\nHost: x\r\nContent-Type: a/b\r\nX-Amz-Signature: ${p.headers['X-Amz-Signature']}\r\nContent-Length: 100\r\n\r\nabc`);
    const started = Date.now();
    await closed;
    expect(Date.now() - started).toBeLessThan(3000);
    expect(server.core.storage.status('/stall.bin')).toBeUndefined();
  });
});
