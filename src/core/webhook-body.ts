// Reads a request body up to a cap without ever holding more than the cap.
// Stops reading (rather than destroying the request) when the cap is passed,
// so the caller can still answer 413 before the connection closes.
import type { IncomingMessage } from 'node:http';

export type BodyResult = { ok: true; body: Buffer } | { ok: false; reason: 'too-large' | 'aborted' };

export function readBody(req: IncomingMessage, cap: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > cap) return Promise.resolve({ ok: false, reason: 'too-large' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (result: BodyResult) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > cap) {
        req.pause();
        done({ ok: false, reason: 'too-large' });
      } else {
        chunks.push(chunk);
      }
    };
    const onEnd = () => done({ ok: true, body: Buffer.concat(chunks, size) });
    // 'close' before 'end': the client went away mid-body.
    const onClose = () => done({ ok: false, reason: 'aborted' });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
  });
}
