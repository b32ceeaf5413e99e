// Low-level failures (DNS, refused, reset, TLS, timeouts) told as what happened
// and what to do, the way wrangler's handle-errors does.
import { NetworkError } from './errors.js';

const EXPLAIN: Record<string, [string, string]> = {
  ENOTFOUND: ['host not found', 'check the URL and your DNS/network'],
  EAI_AGAIN: ['DNS lookup failed', 'check your network connection and try again'],
  ECONNREFUSED: ['connection refused', 'check that the server runs and the URL is right; fastup dev-server starts a local one'],
  ECONNRESET: ['connection reset by the server', 'try again; if it persists the server may be overloaded'],
  EPIPE: ['connection closed while sending', 'try again'],
  ETIMEDOUT: ['connection timed out', 'check your network, or raise --timeout'],
  EHOSTUNREACH: ['host unreachable', 'check your network connection'],
  ENETUNREACH: ['network unreachable', 'check your network connection'],
  UND_ERR_CONNECT_TIMEOUT: ['timed out connecting', 'check your network, or raise --timeout'],
  UND_ERR_HEADERS_TIMEOUT: ['the server sent no answer in time', 'try again, or raise --timeout'],
  UND_ERR_BODY_TIMEOUT: ['the connection stalled', 'try again, or raise --timeout'],
  UND_ERR_SOCKET: ['the connection broke', 'try again'],
  UND_ERR_CLOSED: ['the connection closed', 'try again'],
  CERT_HAS_EXPIRED: ['the server\'s TLS certificate has expired', 'check the URL; the server must renew its certificate'],
  DEPTH_ZERO_SELF_SIGNED_CERT: ['the server\'s TLS certificate is self-signed', 'trust it with NODE_EXTRA_CA_CERTS'],
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: ['the server\'s TLS certificate cannot be verified', 'trust its CA with NODE_EXTRA_CA_CERTS'],
};

function codeOf(err: unknown): string | undefined {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code in EXPLAIN) return code;
  }
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True for failures where trying again may help. */
export function isTransientNetworkError(err: unknown): boolean {
  const code = codeOf(err);
  return code !== undefined && code in EXPLAIN && !code.includes('CERT');
}

export function toNetworkError(err: unknown, host: string): NetworkError {
  if (err instanceof NetworkError) return err;
  const code = codeOf(err);
  const [what, hint] = (code && EXPLAIN[code]) || [
    (err as Error | undefined)?.message ?? 'network error',
    'check your network connection and try again',
  ];
  return new NetworkError(`${what} (${host})`, { code: code ?? 'NetworkError', hint, cause: err });
}
