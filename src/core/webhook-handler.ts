// One delivery, as SPEC 1.3 asks of a receiver: POST to the path only, the raw
// bytes verified before anything parses them, 400 for a missing, malformed or
// stale signature, 401 when no v1 matches, 413 past the body cap, and a
// repeated event id acknowledged without being reported again.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './webhook-body.js';
import type { EventIdLog } from './webhook-dedupe.js';
import { explainRejection } from './webhook-diagnose.js';
import { parseEvent, type WebhookEvent } from './webhook-event.js';
import { SIGNATURE_HEADER, verifySignature, type VerifyResult } from './webhook-signature.js';

export interface VerifiedDelivery {
  event: WebhookEvent;
  /** The body exactly as received (what the signature covers). */
  raw: Buffer;
  contentType: string | undefined;
  signature: string;
  /** Already reported once, but its earlier answer was not 2xx: handle it, do not report it again. */
  repeat: boolean;
}

export type ListenerReport =
  | { kind: 'rejected'; status: number; reason: string; message: string; remote: string }
  | { kind: 'duplicate'; id: string }
  | { kind: 'stray'; status: 404 | 405; method: string; path: string; remote: string }
  | { kind: 'failed'; message: string };

export interface HandlerDeps {
  /** Accept deliveries on this path only; undefined accepts any path. */
  path: string | undefined;
  /** The secrets to check against; several while one rotates. */
  secrets: () => readonly string[] | Promise<readonly string[]>;
  toleranceSeconds: number;
  now: () => number;
  maxBodyBytes: number;
  ids: EventIdLog;
  /** Handles a verified delivery; returns the status to answer (2xx acknowledges). */
  onDelivery: (delivery: VerifiedDelivery) => number | Promise<number>;
  report: (report: ListenerReport) => void;
}

function answer(res: ServerResponse, status: number, body: object, close = false): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(text);
}

const errorBody = (code: string, message: string) => ({ error: { code, message } });

async function verifyAny(deps: HandlerDeps, header: string | undefined, body: Buffer, nowSeconds: number): Promise<{ result: VerifyResult; secret: string }> {
  const secrets = await deps.secrets();
  let first: { result: VerifyResult; secret: string } | undefined;
  for (const secret of secrets) {
    const result = verifySignature({ secret, header, body, nowSeconds, toleranceSeconds: deps.toleranceSeconds });
    if (result.ok) return { result, secret };
    first ??= { result, secret };
  }
  if (!first) throw new Error('no webhook secret to verify with');
  return first;
}

export function createHandler(deps: HandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const remote = req.socket.remoteAddress ?? 'unknown';
    const path = (req.url ?? '/').split('?')[0] as string;
    if (deps.path !== undefined && path !== deps.path) {
      deps.report({ kind: 'stray', status: 404, method: req.method ?? '', path, remote });
      return answer(res, 404, errorBody('NotFound', `deliveries go to ${deps.path}`), true);
    }
    if (req.method !== 'POST') {
      deps.report({ kind: 'stray', status: 405, method: req.method ?? '', path, remote });
      res.setHeader('allow', 'POST');
      return answer(res, 405, errorBody('MethodNotAllowed', 'deliveries are POST'), true);
    }
    const read = await readBody(req, deps.maxBodyBytes);
    if (!read.ok) {
      if (read.reason === 'aborted') return;
      const message = `body larger than ${deps.maxBodyBytes} bytes`;
      deps.report({ kind: 'rejected', status: 413, reason: 'too-large', message, remote });
      return answer(res, 413, errorBody('PayloadTooLarge', message), true);
    }
    const header = req.headers[SIGNATURE_HEADER] as string | undefined;
    const nowSeconds = Math.floor(deps.now() / 1000);
    const { result, secret } = await verifyAny(deps, header, read.body, nowSeconds);
    if (!result.ok) {
      const message = explainRejection(result, { header, body: read.body, secret, nowSeconds });
      deps.report({ kind: 'rejected', status: result.status, reason: result.reason, message, remote });
      return answer(res, result.status, errorBody('InvalidSignature', result.detail));
    }
    const event = parseEvent(read.body);
    if (!event) {
      const message = 'signature verified but the body is not a JSON event object with a "type"';
      deps.report({ kind: 'rejected', status: 400, reason: 'bad-body', message, remote });
      return answer(res, 400, errorBody('InvalidEvent', message));
    }
    const id = event.id;
    const state = id === undefined ? 'new' : deps.ids.state(id);
    if (id !== undefined && state === 'acked') {
      deps.report({ kind: 'duplicate', id });
      return answer(res, 200, { received: true, duplicate: true });
    }
    if (id !== undefined) deps.ids.markSeen(id);
    const contentType = req.headers['content-type'];
    const status = await deps.onDelivery({ event, raw: read.body, contentType, signature: header as string, repeat: state === 'seen' });
    if (id !== undefined && status >= 200 && status < 300) deps.ids.markAcked(id);
    answer(res, status, status < 300 ? { received: true } : errorBody('NotDelivered', `the receiver answered ${status}`));
  };
  return (req, res) => {
    handle(req, res).catch((err: unknown) => {
      deps.report({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
      answer(res, 500, errorBody('InternalError', 'the listener failed on this delivery'), true);
    });
  };
}
