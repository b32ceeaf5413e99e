// Streams a request body straight into a temp file, hashing on the way: one
// pass, no copies, backpressure from the disk pauses the socket. The file is
// fsynced before it is handed on, so a commit never publishes unwritten bytes.
import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

export interface IngestOptions {
  expectedBytes: number;
  /** Fault injection: receive at most this many bytes per second. */
  throttleBytesPerSecond?: number;
  /** Fault injection: reset the connection once this many body bytes arrived. */
  resetAfterBytes?: number;
  /** The temp file exists already (a recycled spare, sized to the body): overwrite it in place. */
  reuse?: boolean;
}

export interface Ingested {
  sizeBytes: number;
  sha256: string;
}

/** The client went away (or was cut off) before the whole body arrived. */
export class IngestAborted extends Error {}

export async function ingest(req: IncomingMessage, tempPath: string, opts: IngestOptions): Promise<Ingested> {
  // The stream owns the descriptor from open to close (closing it ourselves
  // too could close a number another upload has just been given). `flush`
  // fsyncs before the close, so 'close' without error means the bytes are on disk.
  const out = createWriteStream(tempPath, { flags: opts.reuse ? 'r+' : 'wx', mode: 0o600, highWaterMark: 1024 * 1024, flush: true });
  try {
    const result = await receive(req, out, opts);
    await closed(out);
    return result;
  } catch (err) {
    out.destroy();
    await closed(out).catch(() => {});
    throw err;
  }
}

function closed(out: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    if (out.closed) {
      if (out.errored) reject(out.errored);
      else resolve();
      return;
    }
    out.once('close', () => (out.errored ? reject(out.errored) : resolve()));
  });
}

function receive(req: IncomingMessage, out: WriteStream, opts: IngestOptions): Promise<Ingested> {
  return new Promise<Ingested>((resolve, reject) => {
    const hash = createHash('sha256');
    const started = Date.now();
    let received = 0;
    let waitingForDisk = false;
    let throttled = false;
    let settled = false;

    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      req.pause();
      reject(err);
    };
    const maybeResume = (): void => {
      if (!settled && !waitingForDisk && !throttled) req.resume();
    };

    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      received += chunk.length;
      if (opts.resetAfterBytes !== undefined && received >= opts.resetAfterBytes) {
        const socket = req.socket as Socket & { resetAndDestroy?: () => void };
        if (socket.resetAndDestroy) socket.resetAndDestroy();
        else socket.destroy();
        fail(new IngestAborted('connection reset by fault injection'));
        return;
      }
      hash.update(chunk);
      if (!out.write(chunk)) {
        waitingForDisk = true;
        req.pause();
        out.once('drain', () => {
          waitingForDisk = false;
          maybeResume();
        });
      }
      if (opts.throttleBytesPerSecond) {
        const due = started + (received / opts.throttleBytesPerSecond) * 1000;
        const wait = due - Date.now();
        if (wait > 0) {
          throttled = true;
          req.pause();
          setTimeout(() => {
            throttled = false;
            maybeResume();
          }, wait);
        }
      }
    });
    req.on('end', () => {
      if (settled) return;
      if (received !== opts.expectedBytes) {
        fail(new IngestAborted(`received ${received} of ${opts.expectedBytes} bytes`));
        return;
      }
      out.end(() => {
        if (settled) return;
        settled = true;
        resolve({ sizeBytes: received, sha256: hash.digest('hex') });
      });
    });
    req.on('close', () => {
      if (!req.complete) fail(new IngestAborted('client went away before the whole body arrived'));
    });
    req.on('error', () => fail(new IngestAborted('client went away before the whole body arrived')));
    out.on('error', (err: Error) => fail(err));
  });
}
