// Answering before the request body has arrived (an early 413 or 403) without
// the client losing the answer. Node ends a `Connection: close` exchange with
// socket.destroySoon(), which closes the socket fully as soon as our answer is
// written; a client still sending its body then gets an RST, and an RST can
// discard the answer from its receive buffer, so curl/undici would report
// EPIPE/ECONNRESET instead of the 413. We half-close instead (FIN after the
// answer) and keep reading, and discarding, a bounded amount so the client
// sees the answer and stops on its own. SPEC 1.2: "the client reports that answer".
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

const DISCARD_MAX_BYTES = 64 * 1024 * 1024;
const DISCARD_MAX_MS = 10_000;

/** Call before writing an answer that will not read the rest of the body. */
export function closeGracefully(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('Connection', 'close');
  if (req.complete) return;
  const socket = req.socket as Socket & { destroySoon?: () => void };
  socket.destroySoon = () => {
    if (socket.destroyed) return;
    socket.end();
    let discarded = 0;
    const timer = setTimeout(() => socket.destroy(), DISCARD_MAX_MS);
    timer.unref();
    socket.on('data', (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > DISCARD_MAX_BYTES) socket.destroy();
    });
    socket.once('close', () => clearTimeout(timer));
  };
  // Node dumps the unread body once the answer is finished; make sure it flows.
  req.resume();
}
