#!/usr/bin/env node
// The README's quick start, end to end on this machine: start the local
// dev-server, make a real file, upload it with a progress bar and wait for the
// signed webhook that proves it arrived intact, then stop the server and remove
// everything it made (no config profile is left pointing at a stopped server).
// Exits with fastup's exit code.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'fastup.js');
const work = mkdtempSync(join(tmpdir(), 'fastup-quickstart-'));
const dataDir = join(work, 'data');
mkdirSync(dataDir);
const log = join(work, 'dev-server.log');

console.error(`$ fastup dev-server --port 0 --no-profile --data-dir ${dataDir}`);
const server = spawn(process.execPath, [bin, '--json', 'dev-server', '--port', '0', '--no-profile', '--data-dir', dataDir], {
  stdio: ['ignore', 'pipe', openSync(log, 'a')],
});
const stopServer = () => server.exitCode === null && server.kill('SIGTERM');
process.on('exit', () => {
  stopServer();
  rmSync(work, { recursive: true, force: true });
});
process.on('SIGINT', () => process.exit(130));

const [first] = await Promise.race([
  once(createInterface({ input: server.stdout }), 'line'),
  once(server, 'exit').then(([code]) => {
    throw new Error(`dev-server exited with code ${code}; see ${log}`);
  }),
]);
const info = JSON.parse(first);
console.error(`dev-server is up: ${info.apiUrl} workspace ${info.workspace}\n`);
const env = { ...process.env, FASTUP_API_URL: info.apiUrl, FASTUP_API_KEY: info.apiKey, FASTUP_WORKSPACE: info.workspace };

// A file large enough for the progress bar to be seen.
const file = join(work, 'report.bin');
const out = createWriteStream(file);
for (let i = 0; i < 64; i++) if (!out.write(randomBytes(1 << 20))) await once(out, 'drain');
out.end();
await once(out, 'finish');

const args = ['upload', 'report.bin', '--to', '/quickstart/report.bin', '--wait'];
console.error(`$ FASTUP_API_URL=${info.apiUrl} FASTUP_API_KEY=fio_… FASTUP_WORKSPACE=${info.workspace} \\\n  fastup ${args.join(' ')}`);
const upload = spawn(process.execPath, [bin, ...args], { stdio: 'inherit', cwd: work, env });
const [code] = await once(upload, 'exit');
stopServer();
await once(server, 'exit');
console.error(
  code === 0
    ? '\nquick start done: the file was uploaded and confirmed by a signed webhook.\nNext: run `fastup dev-server` yourself (it saves the profile "local"), then `fastup --profile local upload <file> --wait`.'
    : `\nfastup exited ${code}; the dev-server's request log was ${log}`,
);
process.exit(code ?? 1);
