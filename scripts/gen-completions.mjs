#!/usr/bin/env node
// Regenerates completions/ from the built CLI: npm run completions.
// test/e2e/completion.test.ts fails when the committed scripts are stale.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const files = { bash: 'fastup.bash', zsh: '_fastup', fish: 'fastup.fish' };
for (const [shell, file] of Object.entries(files)) {
  const script = execFileSync(process.execPath, [`${root}bin/fastup.js`, 'completion', shell], { encoding: 'utf8' });
  writeFileSync(`${root}completions/${file}`, script);
  console.log(`completions/${file}`);
}
