#!/usr/bin/env node
// npm run bench: fastup against the obvious alternative, on loopback, in one
// process run. Prints a Markdown table and writes bench/results.json.
// Not part of the tests; finishes in a few minutes on 2 cores.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { bin, median, pairs, peakRssMiB, randomFile, root, startDevServer, timed, work } from './lib.mjs';

// Five pairs by default: with three, one disturbed run (other jobs, disk
// writeback of the last 1 GiB) could move a 1 GiB median by 10-20%.
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const GiB = 1 << 30;
const rows = [];
const results = { date: new Date().toISOString(), node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, memGiB: Math.round(totalmem() / GiB), cases: {} };
const fmt = (n, d = 2) => Number(n).toFixed(d);
function row(name, fastup, reference, ratio, target, ok) {
  rows.push({ name, fastup, reference, ratio, target, ok });
  console.error(`${ok ? 'met ' : 'MISS'} ${name}: ${fastup} vs ${reference} = ${ratio} (target ${target})`);
}

mkdirSync(work, { recursive: true });
const server = await startDevServer(join(work, 'data'));
const env = server.env;
const fastup = (args) => timed(process.execPath, [bin, ...args], { env });

async function presignFor(remote, file) {
  const { out } = await fastup(['presign', remote, '--file', file]);
  return JSON.parse(out);
}
function curlArgs(doc, file) {
  const args = ['-sS', '--fail', '--path-as-is', '--globoff', '-o', '/dev/null', '-H', 'Expect:', '-X', doc.method, '-T', file];
  for (const [k, v] of Object.entries(doc.headers)) args.push('-H', `${k}: ${v}`);
  return [...args, doc.uploadUrl];
}

try {
  // 1. Throughput of one 1 GiB upload: fastup (hashing, plain progress lines) vs curl -T, same URL.
  const big = await randomFile(join(work, 'big-1GiB.bin'), GiB);
  const doc = await presignFor('/bench/big.bin', big);
  const t = await pairs(
    RUNS,
    async () => (await fastup(['upload', big, '--to', '/bench/big.bin'])).ms,
    async () => (await timed('curl', curlArgs(doc, big))).ms,
  );
  const mbps = (ms) => GiB / 1e6 / (ms / 1000);
  const ratio1 = t.b / t.a;
  // Not a target, a diagnosis: what one upload costs whatever its size (start-up,
  // module loading, presign), so the ratio can be split into start-up and transfer.
  const one = await randomFile(join(work, 'one-byte.bin'), 1);
  const oneMs = [];
  for (let i = 0; i < 5; i++) oneMs.push((await fastup(['upload', one, '--to', '/bench/one.bin'])).ms);
  const fixed = median(oneMs);
  const transferRatio = t.b / (t.a - fixed);
  results.cases.throughput = { fastupMs: t.as, curlMs: t.bs, ratio: ratio1, fastupFixedMs: fixed, transferRatio };
  row('1 GiB upload throughput (MB/s)', fmt(mbps(t.a), 0), `curl -T ${fmt(mbps(t.b), 0)}`, fmt(ratio1), '>= 0.9', ratio1 >= 0.9);
  console.error(`     fastup's fixed cost per upload (a 1-byte file: start-up, presign) ${fmt(fixed, 0)} ms; the transfer alone vs curl ${fmt(transferRatio)}`);

  // 2. Peak RSS: 1 GiB vs 10 MiB upload.
  const small = await randomFile(join(work, 'small-10MiB.bin'), 10 << 20);
  const rssBig = median([0, 1, 2].slice(0, Math.max(1, Math.min(3, RUNS))).map(() => peakRssMiB(process.execPath, [bin, 'upload', big, '--to', '/bench/rss-big.bin'], env)));
  const rssSmall = median([0, 1, 2].slice(0, Math.max(1, Math.min(3, RUNS))).map(() => peakRssMiB(process.execPath, [bin, 'upload', small, '--to', '/bench/rss-small.bin'], env)));
  results.cases.rss = { bigMiB: rssBig, smallMiB: rssSmall };
  row('peak RSS, 1 GiB upload (MiB)', fmt(rssBig, 1), `10 MiB upload ${fmt(rssSmall, 1)}`, `+${fmt(rssBig - rssSmall, 1)} MiB`, '<= 100 MiB, +<= 10 MiB', rssBig <= 100 && rssBig - rssSmall <= 10);

  // 3. dev-server ingest (verify, hash, write, fsync, commit) vs a bare node:http sink, both fed by curl.
  const sinkDir = join(work, 'sink');
  mkdirSync(sinkDir, { recursive: true });
  const sink = spawn(process.execPath, [join(root, 'bench', 'sink.mjs'), sinkDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [port] = await once(createInterface({ input: sink.stdout }), 'line');
  const ingest = await pairs(
    RUNS,
    async () => (await timed('curl', curlArgs(doc, big))).ms,
    async () => (await timed('curl', ['-sS', '--fail', '-o', '/dev/null', '-H', 'Expect:', '-T', big, `http://127.0.0.1:${port}/sink`])).ms,
  );
  sink.kill();
  rmSync(sinkDir, { recursive: true, force: true });
  const ratio3 = ingest.b / ingest.a;
  results.cases.ingest = { devServerMs: ingest.as, sinkMs: ingest.bs, ratio: ratio3 };
  row('dev-server ingest of 1 GiB (MB/s)', fmt(mbps(ingest.a), 0), `bare sink ${fmt(mbps(ingest.b), 0)}`, fmt(ratio3), '>= 0.8', ratio3 >= 0.8);

  // 4. Start-up: --version, --help, upload --help vs node -e 0.
  const startRuns = Math.max(10, RUNS * 5);
  const startup = async (args) => {
    const ms = [];
    for (let i = 0; i < startRuns; i++) ms.push((await timed(process.execPath, args)).ms);
    return median(ms);
  };
  const base = await startup(['-e', '0']);
  results.cases.startup = { nodeMs: base };
  for (const args of [['--version'], ['--help'], ['upload', '--help']]) {
    const ms = await startup([bin, ...args]);
    const ratio = ms / base;
    results.cases.startup[args.join(' ')] = { ms, ratio };
    row(`fastup ${args.join(' ')} (ms)`, fmt(ms, 0), `node -e 0 ${fmt(base, 0)}`, fmt(ratio), '<= 1.5', ratio <= 1.5);
  }

  // 5. 500 files of 16 KiB at concurrency 16 vs xargs -P 16 running presign curl + upload curl per file.
  const manyDir = join(work, 'many');
  rmSync(manyDir, { recursive: true, force: true });
  for (let i = 0; i < 500; i++) await randomFile(join(manyDir, `f${String(i).padStart(3, '0')}.bin`), 16 << 10);
  const many = await pairs(
    Math.max(1, Math.min(RUNS, 3)),
    async () => (await fastup(['--json', 'upload', '-r', manyDir, '--to', '/many/', '--concurrency', '16'])).ms,
    async () =>
      (
        await timed('sh', ['-c', `ls "${manyDir}" | xargs -P 16 -I{} sh "${join(root, 'bench', 'curl-one.sh')}" "${manyDir}/{}" "/many-curl/{}"`], {
          env,
        })
      ).ms,
  );
  const ratio5 = many.b / many.a;
  results.cases.manyFiles = { fastupMs: many.as, curlMs: many.bs, ratio: ratio5 };
  row('500 x 16 KiB, concurrency 16 (files/s)', fmt(500 / (many.a / 1000), 0), `xargs+curl ${fmt(500 / (many.b / 1000), 0)}`, fmt(ratio5), '>= 3', ratio5 >= 3);

  // 6. upload --wait: end of PUT to confirmed (fastup reports confirmMs per file under --json).
  const tiny = await randomFile(join(work, 'tiny.bin'), 64 << 10);
  const waits = [];
  for (let i = 0; i < Math.max(10, RUNS * 4); i++) {
    const { out } = await fastup(['--json', 'upload', '--wait', tiny, '--to', `/bench/wait-${i}.bin`]);
    const line = JSON.parse(out.trim().split('\n').pop());
    if (typeof line.confirmMs !== 'number') throw new Error(`no confirmMs in ${out}`);
    waits.push(line.confirmMs);
  }
  const wait = median(waits);
  results.cases.wait = { confirmMs: waits, median: wait };
  row('upload --wait: end of PUT to confirmed (ms)', fmt(wait, 1), '-', '-', '<= 50 ms', wait <= 50);
} finally {
  await server.stop();
}

const table = [
  '| case | fastup | reference | ratio | target | met |',
  '| --- | --- | --- | --- | --- | --- |',
  ...rows.map((r) => `| ${r.name} | ${r.fastup} | ${r.reference} | ${r.ratio} | ${r.target} | ${r.ok ? 'yes' : 'NO'} |`),
].join('\n');
results.table = rows;
writeFileSync(join(root, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
const machine = `${results.cpus} x ${results.cpuModel}, ${results.memGiB} GiB, Node ${results.node}`;
console.log(`Benchmark of ${results.date.slice(0, 10)} on ${machine}, median of ${RUNS} runs after a warm-up\n\n${table}`);
process.exitCode = rows.every((r) => r.ok) ? 0 : 1;
