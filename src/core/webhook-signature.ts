// Fastio-Signature (SPEC 1.3): t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>.
// One module for both sides: the dev-server signs, watch-webhooks and upload --wait verify.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'fastio-signature';
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function computeSignature(secret: string, timestamp: number, body: Uint8Array | string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(`${timestamp}.`, 'utf8')
    .update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
    .digest('hex');
}

export function signatureHeader(secret: string, timestamp: number, body: Uint8Array | string): string {
  return `t=${timestamp},v1=${computeSignature(secret, timestamp, body)}`;
}

export type VerifyResult =
  | { ok: true; timestamp: number }
  | { ok: false; status: 400; reason: 'missing-header' | 'malformed-header' | 'missing-timestamp'; detail: string }
  | { ok: false; status: 400; reason: 'stale' ; detail: string; skewSeconds: number }
  | { ok: false; status: 401; reason: 'no-signature' | 'mismatch'; detail: string; timestamp: number };

export interface VerifyOptions {
  secret: string;
  header: string | undefined;
  body: Uint8Array;
  /** Receiver clock, unix seconds. */
  nowSeconds: number;
  toleranceSeconds?: number;
}

interface ParsedHeader {
  timestamp: number | undefined;
  signatures: string[];
}

function parseHeader(header: string): ParsedHeader | undefined {
  const parsed: ParsedHeader = { timestamp: undefined, signatures: [] };
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (!/^\d{1,12}$/.test(value)) return undefined;
      parsed.timestamp = Number(value);
    } else if (key === 'v1') {
      parsed.signatures.push(value);
    }
    // Other schemes (v0, future ones) are ignored: only v1 can verify.
  }
  return parsed;
}

export function verifySignature(opts: VerifyOptions): VerifyResult {
  const tolerance = opts.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (opts.header === undefined || opts.header.trim() === '') {
    return { ok: false, status: 400, reason: 'missing-header', detail: 'no Fastio-Signature header' };
  }
  const parsed = parseHeader(opts.header);
  if (!parsed) {
    return { ok: false, status: 400, reason: 'malformed-header', detail: 'Fastio-Signature header is not t=...,v1=...' };
  }
  if (parsed.timestamp === undefined) {
    return { ok: false, status: 400, reason: 'missing-timestamp', detail: 'Fastio-Signature header has no t= entry' };
  }
  const skew = opts.nowSeconds - parsed.timestamp;
  if (Math.abs(skew) > tolerance) {
    return {
      ok: false,
      status: 400,
      reason: 'stale',
      skewSeconds: skew,
      detail: `timestamp is ${Math.abs(skew)} s ${skew > 0 ? 'old' : 'in the future'} (tolerance ${tolerance} s)`,
    };
  }
  if (parsed.signatures.length === 0) {
    return { ok: false, status: 401, reason: 'no-signature', timestamp: parsed.timestamp, detail: 'no v1 signature' };
  }
  const expected = Buffer.from(computeSignature(opts.secret, parsed.timestamp, opts.body), 'hex');
  let match = false;
  for (const candidate of parsed.signatures) {
    const given = /^[0-9a-f]{64}$/i.test(candidate) ? Buffer.from(candidate, 'hex') : undefined;
    // Check every entry so the time taken does not tell which one matched.
    if (given && given.length === expected.length && timingSafeEqual(given, expected)) match = true;
  }
  if (!match) {
    return { ok: false, status: 401, reason: 'mismatch', timestamp: parsed.timestamp, detail: 'no v1 signature matches' };
  }
  return { ok: true, timestamp: parsed.timestamp };
}
