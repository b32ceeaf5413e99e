// The request body: one pass over the file that hashes, counts and hands each
// chunk to undici, so the file is never read twice and memory stays flat
// whatever its size. A file that changes under us fails the upload
// before its last byte leaves (issue 5): the host commits only a whole body.
import { createHash, type Hash } from 'node:crypto';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { LocalFileError, type FastupError } from '../errors.js';

// issue 6, 1 GiB to the dev-server against curl -T, 7 runs each: 256 KiB chunks
// 0.96-0.99 x curl, 1 MiB 0.90-0.935, 4 MiB 0.88, 64 KiB 0.94. Likely the CPU
// cache: a 256 KiB chunk is still in it when it is hashed and then copied into
// the socket, a ring of 1 MiB ones is not; below that, syscalls cost more.
export const CHUNK_BYTES = 256 * 1024;

export interface LocalFile {
  local: string;
  display: string;
  sizeBytes: number;
  mtimeMs: number;
}

export interface BodyState {
  bytes: number;
  hash: Hash;
  /** Every announced byte was read and checked. */
  done: boolean;
  /** Set when the host has answered: stop sending. */
  stop: boolean;
  /** A local failure, which wins over whatever undici reports after it. */
  error?: FastupError;
}

export function newBodyState(): BodyState {
  return { bytes: 0, hash: createHash('sha256'), done: false, stop: false };
}

function changed(how: string, committed = false): LocalFileError {
  const outcome = committed ? 'the host kept the bytes fastup read before the change' : 'nothing was committed';
  return new LocalFileError(`the file changed while it was being uploaded (${how}); ${outcome}`, {
    code: 'FileChanged',
    hint: 'upload it again once it is no longer being written, or copy it first',
  });
}

function unreadable(err: unknown): LocalFileError {
  const code = (err as NodeJS.ErrnoException).code;
  const what = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : (err as Error).message;
  return new LocalFileError(`cannot read the file: ${what}`, { code: 'LocalFileError', hint: 'check the file and its permissions', cause: err });
}

/** Size and mtime as listed: anything else means someone is writing the file. */
export async function assertUnchanged(file: LocalFile, committed = false): Promise<void> {
  const now = await stat(file.local).catch((err: unknown) => {
    throw unreadable(err);
  });
  if (now.size !== file.sizeBytes) throw changed(`${file.sizeBytes} bytes when listed, ${now.size} now`, committed);
  if (now.mtimeMs !== file.mtimeMs) throw changed('modified', committed);
}

// A few reusable read buffers instead of one fresh buffer per chunk: dead
// chunks waiting for the GC made RSS grow ~30 MiB per GiB (issue 6: flat). Safe
// because undici waits for 'drain' (the chunk is in the kernel) before asking
// for the next one whenever a write exceeds the socket's high-water mark, which
// a full chunk always does; smaller (last) chunks get their own copy.
const RING = 3;
const OWN_COPY_BELOW = 256 * 1024;

export async function* hashingBody(file: LocalFile, state: BodyState, onBytes: (bytes: number) => void): AsyncGenerator<Buffer> {
  let handle: FileHandle | undefined;
  let pending: Promise<unknown> | undefined;
  try {
    const fh = await open(file.local, 'r');
    handle = fh;
    const ring: Buffer[] = [];
    const size = Math.min(CHUNK_BYTES, file.sizeBytes);
    // Reads run one chunk ahead, into the next ring buffer, while this one is sent.
    const readAt = (turn: number, position: number) => {
      const buf = (ring[turn % RING] ??= Buffer.allocUnsafeSlow(size));
      return fh.read(buf, 0, Math.min(buf.length, file.sizeBytes - position), position);
    };
    let next = readAt(0, 0);
    pending = next;
    for (let turn = 0; ; turn++) {
      const { bytesRead, buffer } = await next;
      if (state.stop || bytesRead === 0) break; // bytesRead 0: the file shrank, reported below
      const chunk = bytesRead === buffer.length ? buffer : bytesRead < OWN_COPY_BELOW ? Buffer.from(buffer.subarray(0, bytesRead)) : buffer.subarray(0, bytesRead);
      state.bytes += bytesRead;
      const last = state.bytes >= file.sizeBytes;
      // The next read (thread pool) runs while this chunk is hashed (main thread).
      if (!last) pending = next = readAt(turn + 1, state.bytes);
      state.hash.update(chunk);
      // Last chunk: check before it is sent, while the host can still discard it all.
      if (last) await assertUnchanged(file);
      onBytes(state.bytes);
      yield chunk;
      if (last) break;
    }
    if (state.stop) return;
    if (state.bytes !== file.sizeBytes) throw changed(`only ${state.bytes} of ${file.sizeBytes} bytes could be read`);
    state.done = true;
  } catch (err) {
    state.error = err instanceof LocalFileError ? err : unreadable(err);
    throw state.error;
  } finally {
    await pending?.catch(() => undefined); // never close under a read in flight
    await handle?.close();
  }
}
