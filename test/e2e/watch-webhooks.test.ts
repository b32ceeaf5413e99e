// The built `fastup watch-webhooks` fed by our own signed deliveries over real
// sockets: what it prints, what it answers, and how it ends (SPEC 1.3, 2, 2.2).
import http from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeSandbox, fastup, type Sandbox } from '../helpers/fastup.js';
import { committedEvent, send, startWatch, type Watch } from './watch-webhooks-helpers.js';

const SECRET = 'whsec_e2e_5W2pTnY8cQ1vKm3RzLx7aF0d';
let sandbox: Sandbox;
const running: Watch[] = [];

beforeAll(() => {
  sandbox = makeSandbox();
});
afterEach(() => {
  for (const w of running.splice(0)) w.child.kill('SIGKILL');
});
afterAll(() => rmSync(sandbox.dir, { recursive: true, force: true }));

async function watch(args: string[], env: Record<string, string> = {}): Promise<Watch> {
  const w = await startWatch(sandbox, args, env);
  running.push(w);
  return w;
}

describe('watch-webhooks --json --count', () => {
  it('prints exactly the valid deliveries, one compact JSON line each, and answers the rest as SPEC 1.3 says', async () => {
    const w = await watch(['--json', '--port', '0', '--secret', SECRET, '--count', '3']);
    const now = Math.floor(Date.now() / 1000);
    const a = committedEvent('evt_a');
    const pretty = JSON.stringify(JSON.parse(committedEvent('evt_ws')), null, 2);
    const unicode = committedEvent('evt_uni', { path: '/uploads/résumé final (2) – 東京.pdf' });

    expect(await send(w.url, SECRET, a)).toBe(200);
    expect(await send(w.url, SECRET, a.replace('1234', '1235'), { signed: a })).toBe(401); // tampered
    expect(await send(w.url, SECRET, committedEvent('evt_stale'), { t: now - 301 })).toBe(400);
    expect(await send(w.url, 'whsec_someone_elses_secret_000', committedEvent('evt_wrong'))).toBe(401);
    expect(await send(w.url, SECRET, Buffer.alloc((1 << 20) + 10, 0x20))).toBe(413);
    expect(await send(w.url, SECRET, committedEvent('evt_nosig'), { header: '' })).toBe(400);
    expect(await send(w.url, SECRET, a)).toBe(200); // repeated id: acknowledged, printed once
    expect(await send(w.url, SECRET, pretty)).toBe(200);
    expect(await send(w.url, SECRET, unicode)).toBe(200);

    const result = await w.child;
    expect(result.exitCode).toBe(0);
    const lines = w.stdout().trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([JSON.parse(a), JSON.parse(pretty), JSON.parse(unicode)]);
    expect(lines[1]).toBe(JSON.stringify(JSON.parse(pretty))); // compact
    const err = w.stderr();
    expect(err).toMatch(/with 401: no v1 signature matches; secret in use ends in whsec_…aF0d; clock difference \d+ s/);
    expect(err).toMatch(/with 400: timestamp is 30\d s old .*clock is 30\d s ahead/);
    expect(err).toMatch(/with 413: body larger than 1048576 bytes/);
    expect(err).toMatch(/repeated delivery of evt_a acknowledged/);
    expect(err).not.toContain(SECRET);
  });

  it('says when a body looks re-serialized after signing', async () => {
    const w = await watch(['--json', '--port', '0', '--secret', SECRET, '--count', '1']);
    const body = committedEvent('evt_r');
    expect(await send(w.url, SECRET, JSON.stringify(JSON.parse(body), null, 2), { signed: body })).toBe(401);
    expect(await send(w.url, SECRET, body)).toBe(200);
    await w.child;
    expect(w.stderr()).toMatch(/re-serialized after signing/);
  });

  it('streams into a JSON parser line by line, each event as it arrives', async () => {
    const child = fastup(['--json', 'watch-webhooks', '--port', '0', '--secret', SECRET, '--count', '2'], { sandbox, buffer: false });
    // A line-by-line JSON consumer (what `jq -c '{id, path: .data.path}'` does; jq is not on every machine).
    const script = `require('node:readline').createInterface({ input: process.stdin }).on('line', (l) => { const e = JSON.parse(l); console.log(JSON.stringify({ id: e.id, path: e.data.path })); })`;
    const consumer = execa(process.execPath, ['-e', script], { buffer: false, reject: false });
    const piped = child.pipe(consumer);
    let parsed = '';
    consumer.stdout?.setEncoding('utf8');
    consumer.stdout?.on('data', (c: string) => (parsed += c));
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    const port = await new Promise<number>((resolve) =>
      child.stderr?.on('data', (c: string) => {
        stderr += c;
        const m = /127\.0\.0\.1:(\d+)/.exec(stderr);
        if (m) resolve(Number(m[1]));
      }),
    );
    const url = `http://127.0.0.1:${port}/webhooks`;
    expect(await send(url, SECRET, committedEvent('evt_1'))).toBe(200);
    await expect.poll(() => parsed, { timeout: 5_000 }).toContain('"id":"evt_1"'); // before the process ends
    expect(await send(url, SECRET, committedEvent('evt_2'))).toBe(200);
    const done = await piped;
    expect(done.exitCode).toBe(0);
    expect(done.pipedFrom[0]?.exitCode).toBe(0);
    expect(parsed.trim().split('\n')).toEqual(['{"id":"evt_1","path":"/uploads/evt_1.bin"}', '{"id":"evt_2","path":"/uploads/evt_2.bin"}']);
  });
});

describe('watch-webhooks listening', () => {
  it('answers on 127.0.0.1, ::1 and localhost with one port', async () => {
    const w = await watch(['--port', '0', '--secret', SECRET, '--count', '3']);
    expect(w.stderr()).toContain(`http://[::1]:${w.port}/webhooks`);
    for (const host of ['localhost', '127.0.0.1', '[::1]']) {
      expect(await send(`http://${host}:${w.port}/webhooks`, SECRET, committedEvent(`evt_${host.replace(/\W/g, '')}`))).toBe(200);
    }
    expect((await w.child).exitCode).toBe(0);
  });

  it('prints human lines with type, path, size and sha256 without --json', async () => {
    const w = await watch(['--port', '0', '--secret', SECRET, '--count', '3']);
    expect(await send(w.url, SECRET, committedEvent('evt_h', { sizeBytes: 52431 }))).toBe(200);
    expect(await send(w.url, SECRET, committedEvent('evt_one', { sizeBytes: 1 }))).toBe(200);
    expect(await send(w.url, SECRET, committedEvent('evt_two', { sizeBytes: 2 }))).toBe(200);
    await w.child;
    expect(w.stdout().trim().split('\n')).toEqual([
      `file.committed  /uploads/evt_h.bin  52.4 kB (52431 bytes)  sha256 ${'ab'.repeat(32)}  evt_h`,
      `file.committed  /uploads/evt_one.bin  1 byte  sha256 ${'ab'.repeat(32)}  evt_one`,
      `file.committed  /uploads/evt_two.bin  2 bytes  sha256 ${'ab'.repeat(32)}  evt_two`,
    ]);
  });

  it('exits 2 with one line when the port is in use', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const result = await fastup(['watch-webhooks', '--port', String(port), '--secret', SECRET], { sandbox });
      expect(result.exitCode).toBe(2);
      expect(String(result.stderr).trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain(`127.0.0.1:${port}: the port is already in use`);
    } finally {
      blocker.close();
    }
  });

  it('takes the secret from FASTUP_WEBHOOK_SECRET, and exits 3 saying how to set one when there is none', async () => {
    const w = await watch(['--port', '0', '--count', '1'], { FASTUP_WEBHOOK_SECRET: SECRET });
    expect(await send(w.url, SECRET, committedEvent('evt_env'))).toBe(200);
    expect((await w.child).exitCode).toBe(0);
    const none = await fastup(['watch-webhooks', '--port', '0'], { sandbox });
    expect(none.exitCode).toBe(3);
    expect(none.stderr).toMatch(/--secret.*FASTUP_WEBHOOK_SECRET.*config set webhook-secret.*--register/);
  });

  it('refuses bad flags with exit 2', async () => {
    for (const args of [['--port', 'abc'], ['--path', 'hooks'], ['--tolerance', 'soon'], ['--count', '0'], ['--forward-to', 'ftp://x']]) {
      const result = await fastup(['watch-webhooks', '--secret', SECRET, ...args], { sandbox });
      expect(result.exitCode, args.join(' ')).toBe(2);
    }
  });
});

describe('watch-webhooks endings', () => {
  it('exits 7 when --timeout passes before --count events', async () => {
    const w = await watch(['--port', '0', '--secret', SECRET, '--count', '2', '--timeout', '1s']);
    expect(await send(w.url, SECRET, committedEvent('evt_t'))).toBe(200);
    const result = await w.child;
    expect(result.exitCode).toBe(7);
    expect(w.stderr()).toMatch(/timed out after 1\.0s: 1 of 2 event\(s\) verified/);
  });

  it('without --count, ends at --timeout with 0 if any event arrived', async () => {
    const w = await watch(['--port', '0', '--secret', SECRET, '--timeout', '1s']);
    expect(await send(w.url, SECRET, committedEvent('evt_any'))).toBe(200);
    expect((await w.child).exitCode).toBe(0);
  });

  it('exits 130 on SIGINT and 143 on SIGTERM', async () => {
    for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
      const w = await watch(['--port', '0', '--secret', SECRET]);
      w.child.kill(signal);
      expect((await w.child).exitCode).toBe(code);
    }
  });
});

describe('watch-webhooks --forward-to', () => {
  let app: http.Server;
  const got: { body: Buffer; headers: http.IncomingHttpHeaders }[] = [];
  const statuses: number[] = [];
  let appUrl = '';
  beforeAll(async () => {
    app = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        got.push({ body: Buffer.concat(chunks), headers: req.headers });
        res.writeHead(statuses.shift() ?? 200).end();
      });
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/app/hooks`;
  });
  afterAll(() => new Promise<void>((r) => app.close(() => r())));

  it('relays the raw body and signature and answers the sender with the app status, so retries still apply', async () => {
    statuses.push(202, 500, 200);
    const w = await watch(['--json', '--port', '0', '--secret', SECRET, '--count', '2', '--forward-to', appUrl]);
    const first = JSON.stringify(JSON.parse(committedEvent('evt_f1')), null, 1);
    const second = committedEvent('evt_f2', { path: '/uploads/ünïcode.bin' });
    const t = Math.floor(Date.now() / 1000);
    expect(await send(w.url, SECRET, first, { t })).toBe(202);
    expect(await send(w.url, SECRET, second)).toBe(500); // the app failed: the sender must retry
    expect(await send(w.url, SECRET, second)).toBe(200); // its retry reaches the app again
    expect((await w.child).exitCode).toBe(0);
    expect(got).toHaveLength(3);
    expect(got[0]?.body.toString('utf8')).toBe(first);
    expect(got[0]?.headers['fastio-signature']).toMatch(new RegExp(`^t=${t},v1=[0-9a-f]{64}$`));
    expect(got[0]?.headers['content-type']).toBe('application/json');
    expect(got[2]?.body.equals(Buffer.from(second))).toBe(true);
    expect(w.stdout().trim().split('\n')).toHaveLength(2); // the retried event printed once
    expect(w.stderr()).toMatch(/evt_f1: the app answered 202/);
    expect(w.stderr()).toMatch(/evt_f2: the app answered 500/);
  });

  it('answers 502 when the app cannot be reached, and a timeout says the event was verified but not taken', async () => {
    const w = await watch(['--port', '0', '--secret', SECRET, '--forward-to', 'http://127.0.0.1:9/nothing', '--timeout', '2s']);
    expect(await send(w.url, SECRET, committedEvent('evt_down'))).toBe(502);
    expect(w.stderr()).toMatch(/forward of evt_down failed: connection refused/);
    expect((await w.child).exitCode).toBe(7);
    expect(w.stderr()).toMatch(/^error: timed out after 2\.0s: 0 of 1 event\(s\) accepted by 127\.0\.0\.1:9 \(1 verified but refused there or not answered\)/m);
  });
});
