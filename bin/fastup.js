#!/usr/bin/env node
// Kept tiny on purpose: every millisecond here is paid by each script call.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(`fastup: needs Node.js 20.19 or later (this is ${process.versions.node})\n`);
  process.exit(2);
}
// `fastup --version` is what scripts probe most: answer it without loading the CLI.
if (process.argv.length === 3 && process.argv[2] === '--version') {
  const { readFileSync } = await import('node:fs');
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  // Node 22.1+ can cache compiled code between runs; older Nodes just skip it.
  const { enableCompileCache } = await import('node:module');
  enableCompileCache?.();
  // dist/ is a bundle: --verbose stack traces are read through its source maps
  // (src/ line numbers). Off otherwise, as parsing the maps costs start-up.
  if (process.argv.includes('--verbose')) process.setSourceMapsEnabled(true);
  await import('../dist/cli.js');
}
