// SPEC 2 `dev-server`: what it prints, what it keeps across restarts, the
// profile it saves, its flags, and how it fails.
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, presign, rawHttp, startDevServer, targetOf, type DevServer } from '../helpers/dev-server.js';
import { fastup, makeSandbox, type Sandbox } from '../helpers/fastup.js';

let sandbox: Sandbox;
let server: DevServer;

beforeAll(async () => {
  sandbox = makeSandbox();
  server = await startDevServer(sandbox);
});

afterAll(async () => {
  await server?.stop();
  rmSync(sandbox.dir, { recursive: true, force: true });
});

describe('start-up', () => {
  it('logs requests on stderr without the key, signatures or queries', async () => {
    const presigned = await presign(server, '/log.txt', { contentType: 'text/plain' });
    await rawHttp(server.apiUrl, { target: targetOf(presigned.uploadUrl), headers: { ...presigned.headers, 'Content-Length': '2' }, body: 'hi' });
    const line = /"method":"PUT","path":"\/v1\/direct\/[^"?]+\/log.txt","status":200,"ms":\d+/;
    // The log line travels through a pipe: give it a moment to arrive.
    for (let i = 0; i < 100 && !line.test(server.stderr()); i++) await new Promise((r) => setTimeout(r, 20));
    const log = server.stderr();
    expect(log).toMatch(line);
    expect(log).not.toContain(server.apiKey);
    expect(log).not.toContain(presigned.headers['X-Amz-Signature']);
    expect(log).not.toContain('X-Fastio');
  });

  it('keeps the generated key and workspace across a restart, and obeys --api-key/--workspace', async () => {
    const box = makeSandbox();
    try {
      const first = await startDevServer(box);
      await first.stop();
      const again = await startDevServer(box, [], { dataDir: first.dataDir });
      await again.stop();
      expect(first.apiKey).toMatch(/^fio_/);
      expect(first.workspace).toMatch(/^ws_/);
      expect([again.apiKey, again.workspace]).toEqual([first.apiKey, first.workspace]);
      const named = await startDevServer(box, ['--api-key', 'fio_given', '--workspace', 'ws_given'], { dataDir: first.dataDir });
      expect([named.apiKey, named.workspace]).toEqual(['fio_given', 'ws_given']);
      expect((await api(named, 'GET', '/cors')).status).toBe(200);
      await named.stop();
    } finally {
      rmSync(box.dir, { recursive: true, force: true });
    }
  });

  it('makes a missing data dir and its parents owner-only; a file named tmp there is simply replaced', async () => {
    const box = makeSandbox();
    try {
      // The last --data-dir wins: this one does not exist yet (the helper makes its own).
      const dataDir = join(box.dir, 'new', 'data');
      const first = await startDevServer(box, ['--data-dir', dataDir]);
      await first.stop();
      expect([statSync(join(box.dir, 'new')).mode & 0o777, statSync(dataDir).mode & 0o777]).toEqual([0o700, 0o700]);
      rmSync(join(dataDir, 'tmp'), { recursive: true });
      writeFileSync(join(dataDir, 'tmp'), 'in the way');
      const again = await startDevServer(box, ['--data-dir', dataDir]);
      await again.stop();
      expect(statSync(join(dataDir, 'tmp')).isDirectory()).toBe(true);
    } finally {
      rmSync(box.dir, { recursive: true, force: true });
    }
  });

  it('prints readable lines without --json and saves the profile "local"', async () => {
    const box = makeSandbox();
    const child = fastup(['dev-server', '--port', '0', '--data-dir', join(box.dir, 'data')], { sandbox: box, buffer: false });
    try {
      const out = await new Promise<string>((resolve) => {
        let text = '';
        child.stdout!.on('data', (c: Buffer) => {
          text += c.toString();
          if (text.includes('data-dir')) resolve(text);
        });
      });
      expect(out).toMatch(/api-url +http:\/\/127\.0\.0\.1:\d+/);
      expect(out).toMatch(/api-key +fio_/);
      expect(out).toMatch(/workspace +ws_/);
      await new Promise((r) => setTimeout(r, 300));
      const config = JSON.parse(readFileSync(join(box.env.FASTUP_CONFIG_DIR!, 'config.json'), 'utf8'));
      expect(config.profiles.local['api-url']).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(config.profiles.local['api-key']).toMatch(/^fio_/);
      expect(config.profiles.local.workspace).toMatch(/^ws_/);
    } finally {
      child.kill('SIGTERM');
      await child;
      rmSync(box.dir, { recursive: true, force: true });
    }
  });

  it('listens on an IPv6 literal and names it in brackets', async () => {
    const v6 = await startDevServer(sandbox, ['--host', '::1']);
    try {
      expect(v6.apiUrl).toMatch(/^http:\/\/\[::1\]:\d+$/);
      const p = await presign(v6, '/v6.txt', { contentType: 'text/plain' });
      expect(p.uploadUrl.startsWith(`${v6.apiUrl}/v1/direct/`)).toBe(true);
      expect((await fetch(p.uploadUrl, { method: 'PUT', headers: p.headers, body: 'six' })).status).toBe(200);
    } finally {
      await v6.stop();
    }
  });

  it('prints exactly one JSON line on stdout with --json, however many requests follow; --quiet silences the log', async () => {
    const box = makeSandbox();
    const child = fastup(['--json', '--quiet', 'dev-server', '--port', '0', '--data-dir', join(box.dir, 'data'), '--no-profile'], {
      sandbox: box,
      buffer: false,
    });
    let out = '';
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    try {
      const first = await new Promise<string>((resolve) => {
        child.stdout!.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0]!);
        });
      });
      const info = JSON.parse(first);
      expect(Object.keys(info).sort()).toEqual(['apiKey', 'apiUrl', 'dataDir', 'webhooks', 'workspace']);
      for (let i = 0; i < 3; i++) await presign(info, `/quiet-${i}.txt`);
    } finally {
      child.kill('SIGTERM');
      await child;
      rmSync(box.dir, { recursive: true, force: true });
    }
    expect(out.trimEnd().split('\n')).toHaveLength(1);
    expect(err).not.toContain('presign-upload');
  });

  it('exits 2 with one line when the port is in use', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await fastup(['dev-server', '--port', String(port), '--data-dir', join(sandbox.dir, 'busy'), '--no-profile'], { sandbox });
      expect(result.exitCode).toBe(2);
      expect(String(result.stderr).trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain('in use');
    } finally {
      blocker.close();
    }
  });

  it('refuses bad options with exit 2', async () => {
    for (const args of [['--port', '70000'], ['--max-file-size', 'lots'], ['--cors-origin', 'nope'], ['--fault', 'explode']]) {
      const result = await fastup(['dev-server', '--data-dir', join(sandbox.dir, 'bad'), '--no-profile', ...args], { sandbox });
      expect(result.exitCode, args.join(' ')).toBe(2);
    }
  });
});
