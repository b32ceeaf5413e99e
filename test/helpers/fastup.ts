// Runs the built binary as a user would, with HOME, XDG_CONFIG_HOME and the
// config dir pointed at a private temp folder, no terminal, no colour.
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type Options, type ResultPromise } from 'execa';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const binPath = join(repoRoot, 'bin', 'fastup.js');

export interface Sandbox {
  dir: string;
  home: string;
  env: Record<string, string>;
}

/** A private HOME and config folder; nothing leaks into the developer's own config. */
export function makeSandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'fastup-test-'));
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  return {
    dir,
    home,
    env: {
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_DATA_HOME: join(home, '.local', 'share'),
      FASTUP_CONFIG_DIR: join(home, '.config', 'fastup'),
      CI: 'true',
      NO_COLOR: '1',
    },
  };
}

// Variables from the developer's shell that would change fastup's behaviour.
const scrubbed = ['FASTUP_API_URL', 'FASTUP_API_KEY', 'FASTUP_WORKSPACE', 'FASTUP_PROFILE', 'FASTUP_WEBHOOK_SECRET', 'FORCE_COLOR'];

/** Results carry stdout/stderr as strings (tests that stream use the child's pipes). */
export type FastupRun = ResultPromise<{ reject: false }>;

export function fastup(args: string[], options: Options & { sandbox: Sandbox; env?: Record<string, string | undefined> }): FastupRun {
  const { sandbox, env, ...rest } = options;
  const baseEnv: Record<string, string | undefined> = { ...process.env };
  for (const name of scrubbed) delete baseEnv[name];
  return execa(process.execPath, [binPath, ...args], {
    reject: false,
    cwd: sandbox.dir,
    ...rest,
    env: { ...baseEnv, ...sandbox.env, ...env },
    extendEnv: false,
  }) as unknown as FastupRun;
}
