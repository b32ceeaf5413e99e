// watch-webhooks --forward-to: relays a verified delivery to a local app as it
// came (raw body, Content-Type, Fastio-Signature), so the app verifies it just
// as it would in production, and hands back the app's status, so the sender's
// retries still apply when the app fails.
import type { Dispatcher } from 'undici';
import { toNetworkError } from './net-errors.js';
import { SIGNATURE_HEADER } from './webhook-signature.js';

export interface ForwardResult {
  /** The app's status; undefined when it could not be reached. */
  status?: number;
  error?: string;
  durationMs: number;
}

/** The sender gives up on an answer after 10 s (SPEC 1.3): answer before that. */
export const FORWARD_TIMEOUT_MS = 9_000;

export async function forwardDelivery(
  target: URL,
  delivery: { raw: Buffer; contentType: string | undefined; signature: string },
  dispatcher: Dispatcher,
  now: () => number = Date.now,
): Promise<ForwardResult> {
  const started = now();
  try {
    const res = await dispatcher.request({
      origin: target.origin,
      path: target.pathname + target.search,
      method: 'POST',
      headers: {
        'content-type': delivery.contentType ?? 'application/json',
        [SIGNATURE_HEADER]: delivery.signature,
        'user-agent': 'fastup-watch-webhooks',
      },
      body: delivery.raw,
      headersTimeout: FORWARD_TIMEOUT_MS,
      bodyTimeout: FORWARD_TIMEOUT_MS,
    });
    await res.body.dump();
    return { status: res.statusCode, durationMs: now() - started };
  } catch (err) {
    return { error: toNetworkError(err, target.host).message, durationMs: now() - started };
  }
}
