// The data dir is checked before the server starts: a typo must be one clear
// line (exit 2), not an internal error or a hang.
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { KEPT_FOLDERS } from './storage.js';

const DATA_DIR_PROBLEMS: Record<string, string> = {
  EEXIST: 'a file is in the way (it must be a folder)',
  ENOTDIR: 'a file is in the way (it must be a folder)',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  ENOENT: 'it cannot be created there',
};

/**
 * mkdir -p by hand: Node's recursive mkdir never returns under /proc (seen on
 * Node 20), and a user's typo must not hang the server at start.
 */
async function makeDirs(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let current = dir; ; current = dirname(current)) {
    try {
      if (!(await stat(current)).isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(current) === current) throw err;
      missing.unshift(current);
    }
  }
  // Owner-only, as the server's own folders are: it holds the API key and the signing secret.
  for (const d of missing) await mkdir(d, { mode: 0o700 });
}

/** A data dir the server cannot write is a usage error, told before anything starts. */
export async function checkDataDir(dir: string): Promise<void> {
  const probe = resolve(dir, `.probe-${process.pid}`);
  try {
    await makeDirs(dir);
    // A file in place of a kept folder would only be found when the server first writes there.
    for (const name of KEPT_FOLDERS) {
      const st = await stat(resolve(dir, name)).catch(() => undefined);
      if (st && !st.isDirectory()) throw Object.assign(new Error(`${name} is not a folder`), { code: 'ENOTDIR' });
    }
    await writeFile(probe, '');
    await rm(probe);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    throw new UsageError(`cannot use --data-dir ${dir}: ${DATA_DIR_PROBLEMS[code] ?? (err as Error).message}`, {
      code: 'BadDataDir',
      hint: 'give a folder this user can write, e.g. --data-dir ./.fastio',
      cause: err,
    });
  }
}
