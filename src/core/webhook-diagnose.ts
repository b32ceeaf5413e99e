// Why a delivery failed verification, told so the user can fix it (issue 3):
// the clock difference for stale ones, which secret was used (its last four
// characters only), and whether the body looks re-serialized after signing,
// the most common cause of a mismatch behind proxies and JSON frameworks.
import { redact } from './redact.js';
import { verifySignature, type VerifyResult } from './webhook-signature.js';

export type VerifyFailure = Exclude<VerifyResult, { ok: true }>;

export interface RejectionFacts {
  header: string | undefined;
  body: Buffer;
  /** The secret the delivery was checked against (the first, when several). */
  secret: string;
  /** Receiver clock, unix seconds. */
  nowSeconds?: number;
}

function secretHint(secret: string): string {
  return secret.length > 8 ? `secret in use ends in ${redact(secret)}` : 'secret in use is very short';
}

function clockHint(skewSeconds: number): string {
  const ahead = skewSeconds > 0 ? 'ahead of' : 'behind';
  return `this machine's clock is ${Math.abs(skewSeconds)} s ${ahead} the signature's timestamp: sync both clocks (NTP) or raise --tolerance`;
}

/** Body variants a middlebox commonly produces; if one verifies, the body was changed in transit. */
function alteredBody(timestamp: number, facts: RejectionFacts): string | undefined {
  const text = facts.body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const variants = [JSON.stringify(parsed), ...[2, 4, '\t'].map((indent) => JSON.stringify(parsed, null, indent)), text.trim()];
  const check = (body: string) =>
    verifySignature({ secret: facts.secret, header: facts.header, body: Buffer.from(body, 'utf8'), nowSeconds: timestamp }).ok;
  if (variants.some((v) => v !== text && check(v))) {
    return 'the body was re-serialized after signing (another formatting of the same JSON verifies): verify the raw bytes before any JSON parsing';
  }
  if (text !== JSON.stringify(parsed)) {
    return 'the body is not compact JSON (pretty-printed or whitespace changed?): if something re-serialized it after signing, the signature cannot match';
  }
  return undefined;
}

/** One line: what failed and what to look at. */
export function explainRejection(result: VerifyFailure, facts: RejectionFacts): string {
  switch (result.reason) {
    case 'missing-header':
      return 'no Fastio-Signature header (not sent by Fastio, or a proxy dropped the header)';
    case 'malformed-header':
    case 'missing-timestamp':
      return `${result.detail}: got '${(facts.header ?? '').slice(0, 80)}'`;
    case 'stale':
      return `${result.detail}; ${clockHint(result.skewSeconds)}`;
    case 'no-signature':
      return `${result.detail} in Fastio-Signature (only v1 is understood); ${secretHint(facts.secret)}`;
    case 'mismatch': {
      const body = alteredBody(result.timestamp, facts);
      const tail = body ?? 'was it signed with another secret (endpoint re-created, secret rotated)?';
      const clock = facts.nowSeconds === undefined ? '' : `; clock difference ${facts.nowSeconds - result.timestamp} s (within tolerance)`;
      return `${result.detail}; ${secretHint(facts.secret)}${clock}; ${tail}`;
    }
  }
}
