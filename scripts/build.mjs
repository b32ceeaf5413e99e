#!/usr/bin/env node
// npm run build: src/ -> dist/, bundled. Type checking is `npm run typecheck`.
//
// Why a bundle (issue 6, start-up is paid by every script call): Node 20 has no
// compile cache, and loading ~90 small files through the ESM loader (and
// commander, undici and conf through the CommonJS one) cost ~35 ms of each
// `fastup upload`. esbuild puts the CLI and each command's graph in a few
// chunks; commands still load on demand (dynamic import() becomes a chunk).
import { build } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(`${root}dist`, { recursive: true, force: true });

await build({
  absWorkingDir: root,
  entryPoints: ['src/cli.ts', 'src/help-texts.ts'],
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  // Bundled CommonJS packages (commander, undici, conf's dependencies) call
  // require() for Node's built-ins; an ES module has none of its own.
  banner: { js: "import { createRequire as __fastupRequire } from 'node:module'; const require = __fastupRequire(import.meta.url);" },
  // Stack traces under --verbose point into src/ (bin/fastup.js turns maps on then only).
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'linked',
  logLevel: 'warning',
});

// `fastup ... --help` into a pipe is answered from this file (src/help-texts.ts).
const { version } = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
const { helpTexts } = await import(`${root}dist/help-texts.js`);
writeFileSync(`${root}dist/help.json`, `${JSON.stringify(helpTexts(version))}\n`);
