// Ctrl-C must stop promptly, clean up and exit 130, also when a library echoes
// the signal back to the process (conf's atomic writer does).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdirSync, openSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, makeSandbox } from '../helpers/fastup.js';
import { api, startDevServer, type DevServer, clientEnv } from '../helpers/dev-server.js';

describe('interrupting an upload from standard input', () => {
  const sandbox = makeSandbox();
  let server: DevServer;
  beforeAll(async () => {
    // Slow ingest, so the PUT is still running when Ctrl-C comes.
    server = await startDevServer(sandbox, ['--fault', 'put-throttle=4000000']);
  });
  afterAll(() => server.stop());

  async function interrupted(bytes: number, afterMs: number): Promise<{ exitCode: number | undefined; stderr: string; tmp: string[] }> {
    const tmp = join(sandbox.dir, `tmp-${bytes}`);
    mkdirSync(tmp, { recursive: true });
    const head = spawn('head', ['-c', String(bytes), '/dev/zero'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const child = execa(process.execPath, [binPath, 'upload', '-', '--to', '/stdin.bin'], {
      stdin: head.stdout,
      reject: false,
      extendEnv: false,
      env: {
        ...sandbox.env,
        PATH: process.env.PATH,
        TMPDIR: tmp,
        ...clientEnv(server),
      },
    });
    await new Promise((r) => setTimeout(r, afterMs));
    child.kill('SIGINT');
    const result = await child;
    head.kill();
    // Only fastup's own spool counts: Node 22+ may keep its compile cache in TMPDIR.
    return { exitCode: result.exitCode, stderr: String(result.stderr), tmp: readdirSync(tmp).filter((n) => n.startsWith('fastup-')) };
  }

  it('while spooling: says so, exits 130 and removes the partial spool', async () => {
    const r = await interrupted(4_000_000_000, 1500);
    expect(r.exitCode).toBe(130);
    expect(r.stderr.trim()).toBe('interrupted while reading standard input: nothing was uploaded');
    expect(r.tmp).toEqual([]);
  });

  it('while uploading the spool: says what was not uploaded, exits 130 and removes the spool', async () => {
    const r = await interrupted(50_000_000, 2500);
    expect(r.exitCode).toBe(130);
    expect(r.stderr).toContain('interrupted: 0 of 1 files uploaded');
    expect(r.tmp).toEqual([]);
  });
});

describe('when the program reading stdout goes away (fastup ... | head -1)', () => {
  const sandbox = makeSandbox();
  let server: DevServer;
  beforeAll(async () => {
    server = await startDevServer(sandbox);
    mkdirSync(join(sandbox.dir, 'many'));
    for (let i = 0; i < 20; i++) writeFileSync(join(sandbox.dir, 'many', `f${String(i).padStart(2, '0')}.txt`), `file ${i}\n`);
  });
  afterAll(() => server.stop());

  async function piped(args: string): Promise<{ code: number; stderr: string }> {
    const result = await execa('bash', ['-c', `"${process.execPath}" "${binPath}" ${args} | head -n 1 > /dev/null; echo "rc=\${PIPESTATUS[0]}" >&2`], {
      cwd: sandbox.dir,
      reject: false,
      extendEnv: false,
      env: { ...sandbox.env, PATH: process.env.PATH, ...clientEnv(server) },
    });
    const stderr = String(result.stderr);
    return { code: Number(/rc=(\d+)/.exec(stderr)?.[1]), stderr };
  }

  it('stops like SIGPIPE would: exit 141, no stack trace, the rest reported as not uploaded', async () => {
    const r = await piped('upload -r many --to /pipe/ --json --concurrency 1');
    expect(r.code).toBe(141);
    expect(r.stderr).not.toMatch(/Unhandled|EPIPE|\n\s+at /);
    expect(r.stderr).toMatch(/interrupted: \d+ of 20 files uploaded/);
  });

  it('still deletes the temporary webhook endpoint of --wait', async () => {
    const r = await piped('upload -r many --to /pipe-wait/ --json --concurrency 1 --wait');
    expect(r.code).toBe(141);
    expect((await api(server, 'GET', '/webhooks')).body.data).toEqual([]);
  });

  it('help into a closed pipe is not a crash', async () => {
    const r = await piped('--help');
    expect(r.stderr).not.toMatch(/Unhandled|\n\s+at /);
    expect(r.code).not.toBe(1);
  });
});

describe('when stdout cannot be written (a full disk)', () => {
  const sandbox = makeSandbox();
  let server: DevServer;
  beforeAll(async () => {
    server = await startDevServer(sandbox);
    writeFileSync(join(sandbox.dir, 'a.txt'), 'to a full disk\n');
  });
  afterAll(() => server.stop());
  // The descriptor itself, so the child's own writes fail (execa's { file } would pipe through the parent).
  const toFull = async (args: string[]): Promise<{ exitCode: number; stderr: string }> => {
    const fd = openSync('/dev/full', 'w');
    try {
      const child = spawn(process.execPath, [binPath, ...args], {
        cwd: sandbox.dir,
        stdio: ['ignore', fd, 'pipe'],
        env: { ...sandbox.env, PATH: process.env.PATH, ...clientEnv(server) },
      });
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      const [exitCode] = (await once(child, 'close')) as [number];
      return { exitCode, stderr: stderr.trim() };
    } finally {
      closeSync(fd);
    }
  };

  it('says so in one line, exits 4, and still deletes the temporary webhook endpoint of --wait', async () => {
    const r = await toFull(['--json', 'upload', 'a.txt', '--to', '/full/a.txt', '--wait']);
    expect(r.exitCode).toBe(4);
    const lines = r.stderr.split('\n');
    expect(JSON.parse(lines.at(-1) as string)).toMatchObject({ error: { code: 'OutputError', message: 'cannot write to standard output: ENOSPC', exitCode: 4 } });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect((await api(server, 'GET', '/webhooks')).body.data).toEqual([]);
  });

  it('with several files: the failure is said once, not once per file', async () => {
    for (const n of [1, 2, 3, 4, 5, 6]) writeFileSync(join(sandbox.dir, `m${n}.txt`), `file ${n}\n`);
    const files = [1, 2, 3, 4, 5, 6].map((n) => `m${n}.txt`);
    const r = await toFull(['upload', ...files, '--to', '/full/many/', '--concurrency', '1']);
    expect(r.exitCode).toBe(4);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('error:'))).toEqual([
      'error: cannot write to standard output: ENOSPC (free some space, or send the output somewhere else)',
    ]);
  });

  it('for help and --version too, through the CLI or not', async () => {
    for (const args of [['--help'], ['--version'], ['help', 'upload'], ['completion', 'bash']]) {
      const r = await toFull(args);
      expect(r.exitCode, args.join(' ')).toBe(4);
      expect(r.stderr).toBe('error: cannot write to standard output: ENOSPC (free some space, or send the output somewhere else)');
    }
  });
});

describe('Ctrl-C while --wait is confirming', () => {
  const sandbox = makeSandbox();
  let server: DevServer;
  beforeAll(async () => {
    // The webhook never comes, so fastup is still waiting when Ctrl-C arrives.
    server = await startDevServer(sandbox, ['--fault', 'webhook-dropx1']);
    writeFileSync(join(sandbox.dir, 'sent.txt'), 'committed before Ctrl-C\n');
  });
  afterAll(() => server.stop());

  it('says the file was uploaded but not confirmed, and keeps its hash in the JSON line', async () => {
    const child = execa(process.execPath, [binPath, '--json', 'upload', 'sent.txt', '--to', '/sent.txt', '--wait'], {
      cwd: sandbox.dir,
      reject: false,
      extendEnv: false,
      env: { ...sandbox.env, PATH: process.env.PATH, ...clientEnv(server) },
    });
    // Wait until the file is committed, then interrupt the wait for its webhook.
    for (let i = 0; i < 100 && (await api(server, 'GET', '/files?path=%2Fsent.txt')).status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(String(result.stderr)).toContain('uploaded but not confirmed: sent.txt -> /sent.txt');
    const line = JSON.parse(String(result.stdout).trim());
    expect(line).toMatchObject({ status: 'failed', path: '/sent.txt', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect((await api(server, 'GET', '/webhooks')).body.data).toEqual([]);
  });
});
