// A folder fastup cannot list is a local-file failure (exit 4), not a silent
// skip: a CI job must not pass with part of its artifacts missing. Tests run
// as root, who can list anything, so fastup runs here as the user nobody.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { binPath, makeSandbox } from '../helpers/fastup.js';

describe('upload -r with a folder that cannot be listed', () => {
  it('uploads the rest, reports the folder, and exits 4', async () => {
    const sandbox = makeSandbox();
    chmodSync(sandbox.dir, 0o755);
    const tree = join(sandbox.dir, 'tree');
    mkdirSync(join(tree, 'closed'), { recursive: true });
    writeFileSync(join(tree, 'a.txt'), 'a');
    chmodSync(join(tree, 'closed'), 0o000);
    const config = join(sandbox.dir, 'config');
    mkdirSync(config, { mode: 0o777 });
    chmodSync(config, 0o777);

    const result = await execa(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, binPath, '--json', 'upload', '-r', 'tree', '--dry-run'],
      { cwd: sandbox.dir, reject: false, extendEnv: false, env: { ...sandbox.env, HOME: sandbox.dir, FASTUP_CONFIG_DIR: config, PATH: process.env.PATH } },
    );
    expect(result.exitCode, result.stderr).toBe(4);
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([
      expect.objectContaining({ file: 'tree/a.txt', status: 'planned' }),
      expect.objectContaining({ file: 'tree/closed', status: 'failed', error: expect.objectContaining({ exitCode: 4 }) }),
    ]);
    expect(result.stderr).toContain('cannot list this folder (EACCES)');
  });
});
