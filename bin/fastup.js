#!/usr/bin/env node
// Kept tiny on purpose: every millisecond here is paid by each script call.
import { fstatSync, readFileSync } from 'node:fs';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(`fastup: needs Node.js 20.19 or later (this is ${process.versions.node})\n`);
  process.exit(2);
}

/** What the CLI would print for these arguments, when that is known without loading it. */
function quickAnswer(args) {
  // `fastup --version` is what scripts probe most.
  if (args.length === 1 && args[0] === '--version') {
    return `${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`;
  }
  // `fastup [COMMAND...] --help` into a pipe or a file: commander's own text,
  // rendered by the build (src/help-texts.ts). A terminal gets it live, to its width.
  const last = args.at(-1);
  if ((last === '--help' || last === '-h') && !fstatSync(1).isCharacterDevice()) {
    const words = args.slice(0, -1);
    if (!words.every((w) => /^[a-z][a-z-]*$/.test(w))) return undefined;
    const texts = JSON.parse(readFileSync(new URL('../dist/help.json', import.meta.url), 'utf8'));
    const command = words.join(' ');
    return Object.hasOwn(texts, command) ? texts[command] : undefined;
  }
  return undefined;
}

let answer;
try {
  answer = quickAnswer(process.argv.slice(2));
} catch {
  // No help.json, a closed stdout, ...: the CLI itself knows what to say.
}
if (answer !== undefined) {
  // As the CLI does: a reader that went away (`fastup --help | head -1`) is
  // SIGPIPE's exit code; any other failure to write (a full disk) is a local one.
  process.stdout.on('error', (err) => {
    if (err.code === 'EPIPE') {
      process.exitCode = 141;
    } else {
      process.stderr.write(`error: cannot write to standard output: ${err.code ?? err.message} (free some space, or send the output somewhere else)\n`);
      process.exitCode = 4;
    }
  });
  process.stdout.write(answer);
} else {
  // Node 22.1+ can cache compiled code between runs; older Nodes just skip it.
  const { enableCompileCache } = await import('node:module');
  enableCompileCache?.();
  // dist/ is a bundle: --verbose stack traces are read through its source maps
  // (src/ line numbers). Off otherwise, as parsing the maps costs start-up.
  if (process.argv.includes('--verbose')) process.setSourceMapsEnabled(true);
  await import('../dist/cli.js');
}
