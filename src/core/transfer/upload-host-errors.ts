// The upload host's refusals (SPEC 1.2, and S3's XML errors for URLs from other
// signers) turned into one line that says what to do: the seed's troubleshooting
// section. Retryable answers (408, 429, 5xx) keep their status for the retry loop.
import { HttpStatusError, parseApiError, type ApiErrorBody } from '../api-errors.js';
import { NetworkError, RejectedError, type FastupError } from '../errors.js';

function xmlText(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml);
  return m?.[1]?.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&').trim();
}

function parseHostError(text: string): ApiErrorBody | undefined {
  const trimmed = text.trim();
  // Fastio's hosts answer in the API's JSON error shape.
  if (trimmed.startsWith('{')) return parseApiError(trimmed);
  if (trimmed.includes('<Error>')) {
    const code = xmlText(trimmed, 'Code');
    if (code) return { code, message: xmlText(trimmed, 'Message') ?? '' };
  }
  return undefined;
}

const HINTS: Record<string, string> = {
  SignatureDoesNotMatch:
    'send the Content-Type and headers exactly as presigned and the URL untouched (no re-encoding); with --presigned check the JSON was not edited',
  RequestExpired: 'the presigned URL has expired: presign closer to the upload, or use a longer --expires-in',
  EntityTooLarge: 'the file is larger than the size the URL was presigned for (maxSizeBytes): presign again for this size',
  MissingContentLength: 'the upload host needs a Content-Length; fastup always sends one, so a proxy may be altering the request',
  Locked: 'someone else holds a lock on this path: wait for it, or use --lock so your own uploads hold it',
  AccessDenied: 'the URL does not allow this upload: presign it again, and check it was not altered',
};

/** S3 says "AccessDenied: Request has expired" where the Fastio host says RequestExpired. */
function normalise(status: number, body: ApiErrorBody | undefined): string {
  if (body?.code === 'AccessDenied' && /expired/i.test(body.message)) return 'RequestExpired';
  if (body) return body.code;
  if (status === 411) return 'MissingContentLength';
  if (status === 413) return 'EntityTooLarge';
  return `Http${status}`;
}

export function uploadHostError(status: number, text: string, host: string, retryAfterMs?: number): FastupError {
  const body = parseHostError(text);
  const code = normalise(status, body);
  const detail = body?.message ? `: ${body.message}` : '';
  if (status === 408 || status === 429 || status >= 500) {
    // A made-up HttpNNN code would only repeat the status.
    const named = code === `Http${status}` ? '' : ` ${code}`;
    return new HttpStatusError(`the upload host ${host} answered ${status}${named}${detail}`, status, retryAfterMs, {
      code,
      hint: status === 429 ? 'the upload host is rate limiting: try again later or lower --concurrency' : 'the upload host had a problem: try again later',
    });
  }
  if (status >= 300 && status < 400) {
    return new RejectedError(`the upload host ${host} answered ${status} (a redirect); fastup does not re-send a file to another address`, {
      code: 'Redirected',
      hint: 'use the final upload URL the presign service gives',
    });
  }
  if (status >= 400) {
    return new RejectedError(`the upload host refused the file with ${status} ${code}${detail}`, {
      code,
      hint: HINTS[code] ?? 'check the presigned URL and headers are the ones the presign returned',
    });
  }
  return new NetworkError(`the upload host ${host} answered ${status}`, { code, hint: 'check the upload URL' });
}
