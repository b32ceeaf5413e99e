#!/usr/bin/env node
// Kept tiny on purpose: every millisecond here is paid by each script call.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(`fastup: needs Node.js 20.19 or later (this is ${process.versions.node})\n`);
  process.exit(2);
}
// Node 22.1+ can cache compiled code between runs; older Nodes just skip it.
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();
await import('../dist/cli.js');
