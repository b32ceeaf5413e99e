// `fastup [COMMAND...] --help` into a pipe is answered by bin/fastup.js from
// dist/help.json, rendered by the build (issue 6: start-up). It must be
// exactly what commander prints: a global option in front makes the CLI
// itself answer, so each pair below is the quick answer against the live one.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fastup, makeSandbox, repoRoot } from '../helpers/fastup.js';

const texts = JSON.parse(readFileSync(join(repoRoot, 'dist', 'help.json'), 'utf8')) as Record<string, string>;
const sandbox = makeSandbox();

describe('help', () => {
  it('has a text for the program and every command', () => {
    expect(Object.keys(texts)).toEqual(
      expect.arrayContaining(['', 'config', 'config set', 'config get', 'config unset', 'config list', 'config path', 'presign', 'upload', 'watch-webhooks', 'dev-server', 'completion']),
    );
  });

  it.each(Object.keys(texts))('fastup %s --help is what commander prints', async (command) => {
    const path = command ? command.split(' ') : [];
    const [quick, short, live] = await Promise.all([
      fastup([...path, '--help'], { sandbox }),
      fastup([...path, '-h'], { sandbox }),
      fastup(['--no-color', ...path, '--help'], { sandbox }),
    ]);
    expect(live.exitCode).toBe(0);
    expect(live.stdout).toMatch(/^Usage: fastup/);
    for (const r of [quick, short]) {
      expect(r.exitCode).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(live.stdout);
    }
  });

  it('fastup help [COMMAND] prints the same help and exits 0; a bare fastup prints it on stderr and exits 2', async () => {
    const [help, helpUpload, bare] = await Promise.all([
      fastup(['help'], { sandbox }),
      fastup(['help', 'upload'], { sandbox }),
      fastup([], { sandbox }),
    ]);
    expect({ code: help.exitCode, out: help.stdout }).toEqual({ code: 0, out: texts['']?.trimEnd() });
    expect({ code: helpUpload.exitCode, out: helpUpload.stdout }).toEqual({ code: 0, out: texts.upload?.trimEnd() });
    expect(bare.exitCode).toBe(2);
    expect(bare.stdout).toBe('');
    expect(bare.stderr).toMatch(/^Usage: fastup/);
  });

  it('leaves anything else to the CLI, which answers as it always did', async () => {
    for (const args of [['constructor', '--help'], ['uplaod', '--help'], ['upload', 'a.txt', '--help'], ['--json', '--help'], ['config set', '--help'], ['', '--help']]) {
      const [quick, live] = await Promise.all([fastup(args, { sandbox }), fastup(['--no-color', ...args], { sandbox })]);
      expect(quick.stderr).not.toMatch(/\n\s+at /);
      expect({ code: quick.exitCode, out: quick.stdout }).toEqual({ code: live.exitCode, out: live.stdout });
    }
  });
});
