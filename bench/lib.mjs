// Shared pieces of the benchmark: timing child processes, medians, the
// dev-server under test. Everything is measured as a ratio against a reference
// run in the same process run, because these machines are noisy.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const bin = join(root, 'bin', 'fastup.js');
export const work = join(root, 'bench', 'work');

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs a command to completion; returns wall time in ms. Throws on a non-zero exit. */
export async function timed(cmd, args, opts = {}) {
  const started = process.hrtime.bigint();
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const [code] = await once(child, 'close');
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.slice(-2000)}`);
  return { ms, out, err };
}

/** Peak RSS in MiB of a command, via GNU time. */
export function peakRssMiB(cmd, args, env) {
  const res = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { env, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`${cmd} failed: ${res.stderr}`);
  const kib = Number(res.stderr.trim().split('\n').pop());
  return kib / 1024;
}

export async function randomFile(path, bytes) {
  if (existsSync(path) && statSync(path).size === bytes) return path;
  mkdirSync(join(path, '..'), { recursive: true });
  const out = createWriteStream(path);
  const chunk = 1 << 20;
  for (let left = bytes; left > 0; left -= chunk) {
    if (!out.write(randomBytes(Math.min(chunk, left)))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return path;
}

export async function startDevServer(dataDir, extraArgs = []) {
  mkdirSync(dataDir, { recursive: true });
  const child = spawn(process.execPath, [bin, '--json', 'dev-server', '--port', '0', '--no-profile', '--data-dir', dataDir, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [line] = await once(createInterface({ input: child.stdout }), 'line');
  const info = JSON.parse(line);
  return {
    ...info,
    env: { ...process.env, FASTUP_API_URL: info.apiUrl, FASTUP_API_KEY: info.apiKey, FASTUP_WORKSPACE: info.workspace, CI: 'true' },
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** Runs pairs alternately (a, b, a, b, ...) after one warm-up of each, so drift hits both alike. */
export async function pairs(runs, a, b) {
  await a();
  await b();
  const as = [];
  const bs = [];
  for (let i = 0; i < runs; i++) {
    as.push(await a());
    bs.push(await b());
  }
  return { a: median(as), b: median(bs), as, bs };
}

export { createReadStream };
