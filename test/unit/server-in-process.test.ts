// startServer used in-process with an injected clock: expiry and lock TTLs
// without waiting, and the logger receiving request lines without secrets.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
