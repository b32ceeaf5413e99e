// "A committed file is visible whole or not at all, also after the server is
// killed at any moment" and "a URL stays valid across a dev-server restart"
// (SPEC 1.2), with real kill -9 of the built binary.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { api, presign, rawHttp, startDevServer, targetOf, type DevServer } from '../helpers/dev-server.js';
import { makeSandbox, type Sandbox } from '../helpers/fastup.js';

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');
let sandbox: Sandbox | undefined;
const servers: DevServer[] = [];

afterEach(async () => {
  for (const s of servers.splice(0)) await s.kill();
  if (sandbox) rmSync(sandbox.dir, { recursive: true, force: true });
  sandbox = undefined;
});

async function start(args: string[] = [], dataDir?: string): Promise<DevServer> {
  sandbox ??= makeSandbox();
  const server = await startDevServer(sandbox, args, dataDir ? { dataDir } : {});
  servers.push(server);
  return server;
}

async function statusOf(server: DevServer, path: string) {
  return api(server, 'GET', `/files?path=${encodeURIComponent(path)}`);
}

/** Every published record points at bytes that hash to what the record says. */
function assertStoreConsistent(dataDir: string): number {
  let checked = 0;
  for (const name of readdirSync(join(dataDir, 'files'))) {
    const record = JSON.parse(readFileSync(join(dataDir, 'files', name), 'utf8'));
    const bytes = readFileSync(join(dataDir, 'blobs', record.blob));
    expect(bytes.length).toBe(record.sizeBytes);
    expect(sha256(bytes)).toBe(record.sha256);
    checked++;
  }
  return checked;
}

describe('crash safety', () => {
  it('shows no partial file and leaves no temp file after kill -9 mid-upload', async () => {
    const first = await start(['--fault', 'put-throttle=262144']);
    const old = Buffer.from('the old version');
    const p = await presign(first, '/crash/mid.bin', { maxSizeBytes: 4 * 1024 * 1024 });
    expect((await fetch(p.uploadUrl, { method: 'PUT', headers: p.headers, body: old })).status).toBe(200);

    const body = randomBytes(2 * 1024 * 1024);
    const inFlight = rawHttp(first.apiUrl, {
      target: targetOf(p.uploadUrl),
      headers: { ...p.headers, 'Content-Length': String(body.length) },
      body,
    }).catch(() => undefined);
    const tmp = join(first.dataDir, 'tmp');
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && !readdirSync(tmp).some((n) => statSync(join(tmp, n)).size > 0)) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(readdirSync(tmp)).toHaveLength(1);
    await first.kill();
    await inFlight;

    const again = await start([], first.dataDir);
    const found = await statusOf(again, '/crash/mid.bin');
    expect(found.status).toBe(200);
    expect(found.body.sha256).toBe(sha256(old));
    expect(readdirSync(tmp)).toEqual([]);
    expect(readdirSync(join(first.dataDir, 'blobs'))).toHaveLength(1);
    assertStoreConsistent(first.dataDir);
  });

  it('keeps every file whole when killed during a burst of commits', async () => {
    const first = await start();
    const bodies = Array.from({ length: 150 }, (_, i) => randomBytes(32 * 1024 + i));
    const acknowledged: string[] = [];
    let killed: Promise<void> | undefined;
    const uploads = bodies.map(async (body, i) => {
      const path = `/burst/${i % 16}.bin`;
      try {
        const p = await presign(first, path);
        const res = await fetch(p.uploadUrl, { method: 'PUT', headers: p.headers, body });
        if (res.status === 200) acknowledged.push(path);
        // Kill in the middle of the burst, with commits still in flight.
        if (acknowledged.length === 20) killed = first.kill();
      } catch {
        // killed under it
      }
    });
    await Promise.all(uploads);
    await (killed ?? first.kill());
    expect(acknowledged.length).toBeLessThan(bodies.length);

    const again = await start([], first.dataDir);
    const hashes = new Set(bodies.map((b) => sha256(b)));
    for (const path of new Set(acknowledged)) {
      const found = await statusOf(again, path);
      expect(found.status, path).toBe(200);
      expect(hashes.has(found.body.sha256)).toBe(true);
    }
    expect(assertStoreConsistent(first.dataDir)).toBeGreaterThanOrEqual(new Set(acknowledged).size);
    expect(readdirSync(join(first.dataDir, 'tmp'))).toEqual([]);
  });

  it('keeps key, workspace, files, locks and CORS across kill -9 and a restart, and URLs presigned before it still work', async () => {
    const first = await start();
    const p = await presign(first, '/restart.txt', { contentType: 'text/plain' });
    expect((await fetch(p.uploadUrl, { method: 'PUT', headers: p.headers, body: 'before' })).status).toBe(200);
    expect((await api(first, 'POST', '/locks', { path: '/kept-lock.txt', ttlSeconds: 600 })).status).toBe(201);
    expect((await api(first, 'PUT', '/cors', { allowedOrigins: ['http://localhost:5173'] })).status).toBe(200);
    await first.kill();
    expect(existsSync(join(first.dataDir, 'identity.json'))).toBe(true);

    const again = await start([], first.dataDir);
    expect([again.apiKey, again.workspace]).toEqual([first.apiKey, first.workspace]);
    expect((await statusOf(again, '/restart.txt')).body.sha256).toBe(sha256('before'));
    expect((await api(again, 'POST', '/locks', { path: '/kept-lock.txt' })).body.error.code).toBe('Locked');
    expect((await api(again, 'GET', '/cors')).body.allowedOrigins).toEqual(['http://localhost:5173']);
    // Same host and a new port: the signature covers path and query, not the authority.
    const moved = p.uploadUrl.replace(first.apiUrl, again.apiUrl);
    const res = await fetch(moved, { method: 'PUT', headers: p.headers, body: 'after' });
    expect(res.status).toBe(200);
    expect((await statusOf(again, '/restart.txt')).body.sha256).toBe(sha256('after'));
  });
});
