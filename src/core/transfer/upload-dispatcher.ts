// The one keep-alive pool of an upload run (API calls and every PUT share it),
// with a socket tweak that SPEC 1.2 needs: when the upload host refuses early
// (413 from Content-Length, 403 from the signature) and closes, the next body
// write fails with EPIPE/ECONNRESET before the answer waiting in the socket is
// read, and undici reports the broken pipe. Holding such a write error back for
// a moment lets the socket's reader parse the answer first; undici then hands
// us the 413 and the error only ends a request that is already answered.
import type { Dispatcher, buildConnector as BuildConnector } from 'undici';
import { createDispatcher, loadUndici, type DispatcherOptions } from '../http.js';

const HOLD_MS = 25;

type WriteCallback = (err?: Error | null) => void;

function holdPipeErrors(cb: WriteCallback): WriteCallback {
  return (err) => {
    const code = (err as NodeJS.ErrnoException | null | undefined)?.code;
    if (code === 'EPIPE' || code === 'ECONNRESET') setTimeout(() => cb(err), HOLD_MS);
    else cb(err);
  };
}

export async function createUploadDispatcher(opts: DispatcherOptions = {}): Promise<Dispatcher> {
  const { buildConnector } = await loadUndici();
  const base = buildConnector({ timeout: opts.connectTimeoutMs ?? 15_000 });
  const connect: BuildConnector.connector = (options, callback) =>
    base(options, (err, socket) => {
      if (socket) {
        // Instance-level wrappers of node's own stream hooks; nothing else changes.
        const s = socket as unknown as {
          _write: (d: unknown, e: unknown, cb: WriteCallback) => void;
          _writev?: (c: unknown, cb: WriteCallback) => void;
        };
        const write = s._write;
        const writev = s._writev;
        s._write = function (data, enc, cb) {
          write.call(this, data, enc, holdPipeErrors(cb));
        };
        if (writev) {
          s._writev = function (chunks, cb) {
            writev.call(this, chunks, holdPipeErrors(cb));
          };
        }
      }
      (callback as (e: Error | null, s: unknown) => void)(err, socket);
    });
  return createDispatcher(opts, connect);
}
