// Runs every row of docs/bad-input.md's first table: the documented message and
// exit code are what a user really gets, or this test fails.
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, makeSandbox, repoRoot } from '../helpers/fastup.js';
import { startDevServer, type DevServer, clientEnv } from '../helpers/dev-server.js';

interface Row {
  input: string;
  message: string;
  exit: number;
}

function rows(): Row[] {
  const doc = readFileSync(join(repoRoot, 'docs', 'bad-input.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## On the command line'), doc.indexOf('## Against the upload host'));
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      // Cells are split on unescaped pipes; "\|" stands for a shell pipe.
      const cells = line.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
      return { input: cells[0]!.slice(1, -1), message: cells[1]!, exit: Number(cells[2]) };
    });
}

describe('docs/bad-input.md: every dev-server row names a test that exists', () => {
  const doc = readFileSync(join(repoRoot, 'docs', 'bad-input.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Against the upload host'));
  const named = section
    .split('\n')
    .filter((line) => line.startsWith('| ') && line.includes('` › '))
    .map((line) => /`([a-z-]+)` › (.+) \|$/.exec(line)!.slice(1, 3) as [string, string]);

  it('the table has rows', () => {
    expect(named.length).toBeGreaterThan(15);
  });

  it.each(named)('%s › %s', (file, title) => {
    const dir = file.startsWith('server-') ? 'unit' : 'e2e';
    expect(readFileSync(join(repoRoot, 'test', dir, `${file}.test.ts`), 'utf8')).toContain(title.trim());
  });
});

describe('docs/bad-input.md: every bad input gets its one line and exit code', () => {
  const sandbox = makeSandbox();
  const shims = join(sandbox.dir, 'bin');
  const work = join(sandbox.dir, 'work');
  let server: DevServer;

  beforeAll(async () => {
    server = await startDevServer(sandbox);
    mkdirSync(shims, { recursive: true });
    writeFileSync(join(shims, 'fastup'), `#!/bin/sh\nexec "${process.execPath}" "${binPath}" "$@"\n`);
    chmodSync(join(shims, 'fastup'), 0o755);
    mkdirSync(join(work, 'sub'), { recursive: true });
    writeFileSync(join(work, 'report.pdf'), 'hello\n');
    writeFileSync(join(work, 'bad.json'), '{bad');
    execFileSync('mkfifo', [join(work, 'pipe')]);
    symlinkSync('nowhere', join(work, 'dangling'));
  });
  afterAll(() => server.stop());

  const table = rows();
  it('the table has rows', () => {
    expect(table.length).toBeGreaterThan(30);
  });

  it.each(table)('$input', async ({ input, message, exit }) => {
    const result = await execa('sh', ['-c', input], {
      cwd: work,
      reject: false,
      stdin: 'ignore',
      extendEnv: false,
      env: {
        ...sandbox.env,
        PATH: `${shims}:${process.env.PATH}`,
        ...clientEnv(server),
      },
    });
    expect(result.stderr).toContain(message);
    expect(result.exitCode).toBe(exit);
    // One line for the failure itself (an upload may add its start line and summary).
    const errors = result.stderr.split('\n').filter((l) => l.startsWith('error:'));
    expect(errors).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace without --verbose
    expect(result.stdout + result.stderr).not.toContain(server.apiKey);
  });
});
