// The upload URL scheme (SPEC 1.2). The URL is opaque to clients:
//
//   {base}/v1/direct/{workspace}/{path, each segment encodeURIComponent'ed}
//     ?X-Fastio-Expires=<unix s>&X-Fastio-Max-Size=<bytes>
//     &X-Fastio-Content-Type=<URLSearchParams-encoded>[&X-Fastio-Lock=<lockId>]
//
// and the signature travels in the X-Amz-Signature header:
//   hex HMAC-SHA256(server secret, METHOD "\n" raw request-target "\n" Content-Type).
// Signing the raw request-target bytes (not a parsed URL) covers expiry, size,
// lock and path at once, and makes any client-side re-encoding or normalisation
// (%2B -> +, %2e%2e -> .., + -> %20) a SignatureDoesNotMatch, as the seed's host does.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const DIRECT_PREFIX = '/v1/direct/';
export const SIGNATURE_HEADER = 'X-Amz-Signature';
const Q = {
  expires: 'X-Fastio-Expires',
  maxSize: 'X-Fastio-Max-Size',
  contentType: 'X-Fastio-Content-Type',
  lock: 'X-Fastio-Lock',
} as const;

export interface UploadGrant {
  workspace: string;
  path: string;
  /** Unix seconds. */
  expires: number;
  maxSizeBytes: number;
  contentType: string;
  lockId?: string;
}

export function requestTarget(grant: UploadGrant): string {
  const segments = grant.path.slice(1).split('/').map(encodeURIComponent).join('/');
  const query = new URLSearchParams();
  query.set(Q.expires, String(grant.expires));
  query.set(Q.maxSize, String(grant.maxSizeBytes));
  query.set(Q.contentType, grant.contentType);
  if (grant.lockId) query.set(Q.lock, grant.lockId);
  return `${DIRECT_PREFIX}${encodeURIComponent(grant.workspace)}/${segments}?${query.toString()}`;
}

export function sign(secret: string, method: string, target: string, contentType: string): string {
  return createHmac('sha256', secret).update(`${method}\n${target}\n${contentType}`, 'utf8').digest('hex');
}

export function signaturesMatch(expected: string, given: string | undefined): boolean {
  if (given === undefined || !/^[0-9a-f]{64}$/.test(given)) return false;
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(given, 'hex'));
}

/**
 * Reads the grant back from a request-target whose signature already matched,
 * so it is one this server made; undefined if it is not in that shape.
 */
export function parseGrant(target: string): UploadGrant | undefined {
  if (!target.startsWith(DIRECT_PREFIX)) return undefined;
  const q = target.indexOf('?');
  if (q === -1) return undefined;
  const [workspace, ...segments] = target.slice(DIRECT_PREFIX.length, q).split('/');
  const query = new URLSearchParams(target.slice(q + 1));
  const expires = Number(query.get(Q.expires));
  const maxSizeBytes = Number(query.get(Q.maxSize));
  const contentType = query.get(Q.contentType);
  if (!workspace || segments.length === 0 || !Number.isSafeInteger(expires) || !Number.isSafeInteger(maxSizeBytes) || contentType === null) {
    return undefined;
  }
  try {
    const lockId = query.get(Q.lock) ?? undefined;
    return {
      workspace: decodeURIComponent(workspace),
      path: `/${segments.map(decodeURIComponent).join('/')}`,
      expires,
      maxSizeBytes,
      contentType,
      ...(lockId ? { lockId } : {}),
    };
  } catch {
    return undefined;
  }
}
