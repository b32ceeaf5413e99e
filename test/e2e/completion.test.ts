import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { fastup, makeSandbox, repoRoot } from '../helpers/fastup.js';

const files = { bash: 'fastup.bash', zsh: '_fastup', fish: 'fastup.fish' } as const;

describe('fastup completion', () => {
  const sandbox = makeSandbox();

  it.each(Object.entries(files))('the committed %s script is what the CLI generates (run npm run completions)', async (shell, file) => {
    const result = await fastup(['completion', shell], { sandbox });
    expect(result.exitCode).toBe(0);
    expect(readFileSync(join(repoRoot, 'completions', file), 'utf8')).toBe(result.stdout + '\n');
  });

  it('rejects an unknown shell with exit 2', async () => {
    const result = await fastup(['completion', 'tcsh'], { sandbox });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("unknown shell 'tcsh'");
  });

  // Loads the script into a real bash and asks it to complete, as bash does on TAB.
  async function complete(line: string): Promise<string[]> {
    const words = line.split(' ');
    const script = [
      `source ${JSON.stringify(join(repoRoot, 'completions', files.bash))}`,
      `COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(' ')})`,
      `COMP_CWORD=${words.length - 1}`,
      `COMP_LINE=${JSON.stringify(line)}`,
      `COMP_POINT=${line.length}`,
      '_fastup',
      'printf "%s\\n" "${COMPREPLY[@]}"',
    ].join('\n');
    const { stdout } = await execa('bash', ['--norc', '--noprofile', '-c', script], { cwd: sandbox.dir });
    return stdout.split('\n').filter(Boolean);
  }

  it('bash completes commands, options, subcommands and choices', async () => {
    expect(await complete('fastup up')).toEqual(['upload']);
    expect(await complete('fastup upload --con')).toEqual(['--content-type', '--concurrency']);
    expect(await complete('fastup config u')).toEqual(['unset']);
    expect(await complete('fastup completion ')).toEqual(['bash', 'zsh', 'fish']);
    expect(await complete('fastup --json upload --to /x --wa')).toEqual(expect.arrayContaining(['--wait', '--wait-timeout']));
  });

  it('bash completes file arguments of upload, and not the value of --to', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(sandbox.dir, 'report.pdf'), 'x');
    expect(await complete('fastup upload rep')).toEqual(['report.pdf']);
    expect(await complete('fastup upload --to rep')).toEqual([]);
  });
});
