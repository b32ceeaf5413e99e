// `upload -`: standard input is spooled to a private temp file first, because
// SPEC 1.2 needs an exact Content-Length up front (never chunked) and a retry
// must be able to send the same bytes again. The spool is removed in every case:
// the caller's finally, and ctx.cleanups for Ctrl-C.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Cleanups } from './context.js';
import { LocalFileError } from './errors.js';

export interface Spool {
  path: string;
  remove(): Promise<void>;
}

export async function spoolStdin(input: NodeJS.ReadableStream, cleanups: Cleanups, signal?: AbortSignal): Promise<Spool> {
  // mkdtemp makes the folder 0700; the file itself is 0600 and must be new.
  const dir = await mkdtemp(join(tmpdir(), 'fastup-stdin-'));
  const removeDir = (): Promise<void> => rm(dir, { recursive: true, force: true });
  const unregister = cleanups.add(removeDir);
  const remove = async (): Promise<void> => {
    unregister();
    await removeDir();
  };
  const path = join(dir, 'stdin');
  // Not hashed here: the upload hashes while it sends, in its one pass.
  try {
    await pipeline(input, createWriteStream(path, { flags: 'wx', mode: 0o600, highWaterMark: 1 << 20 }), {
      ...(signal ? { signal } : {}),
    });
  } catch (err) {
    await remove();
    if (signal?.aborted) throw signal.reason;
    throw new LocalFileError(`cannot read standard input: ${(err as Error).message}`, {
      code: 'StdinError',
      hint: `check the command feeding fastup, and free space in ${tmpdir()}`,
      cause: err,
    });
  }
  return { path, remove };
}
