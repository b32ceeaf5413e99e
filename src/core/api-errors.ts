// Maps an API answer (SPEC 1: {"error":{"code","message"}}) to the error a user
// should see and the exit code of SPEC 2.2.
import { ConfigError, FastupError, NetworkError, RejectedError, UsageError } from './errors.js';
import { isTransientNetworkError } from './net-errors.js';
import type { RetryDecision } from './retry.js';

export interface ApiErrorBody {
  code: string;
  message: string;
}

export function parseApiError(text: string): ApiErrorBody | undefined {
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    if (parsed.error && typeof parsed.error.code === 'string') {
      return { code: parsed.error.code, message: typeof parsed.error.message === 'string' ? parsed.error.message : '' };
    }
  } catch {
    // not JSON: described by status below
  }
  return undefined;
}

/** A retryable answer keeps its status so the retry loop can see it. */
export class HttpStatusError extends NetworkError {
  constructor(
    message: string,
    readonly status: number,
    readonly retryAfterMs: number | undefined,
    details: { code: string; hint: string },
  ) {
    super(message, details);
  }
}

export function apiError(status: number, body: ApiErrorBody | undefined, what: string, retryAfterMs?: number): FastupError {
  const code = body?.code ?? `Http${status}`;
  const detail = body?.message ? `: ${body.message}` : '';
  switch (true) {
    case status === 400:
      return new UsageError(`${what} was refused as invalid${detail}`, { code, hint: 'fix the value the message names' });
    case status === 401:
      return new ConfigError(`the API did not accept the API key${detail}`, {
        code,
        hint: "check the key with 'fastup config get api-key' and set the right one with 'fastup config set api-key'",
      });
    case status === 403:
      return new ConfigError(`the API key has no access to this workspace${detail}`, {
        code,
        hint: "check the workspace with 'fastup config get workspace'",
      });
    case status === 404 && code === 'WorkspaceNotFound':
      return new ConfigError(`workspace not found${detail}`, {
        code,
        hint: "check the workspace id: 'fastup config set workspace <id>' or --workspace",
      });
    case status === 409:
      return new RejectedError(`the path is locked by someone else${detail}`, {
        code,
        hint: 'wait for the lock to expire, or upload with the lock holder',
      });
    case status === 413:
      return new RejectedError(`the workspace's plan does not allow this size${detail}`, {
        code,
        hint: 'upload a smaller file or raise the workspace limit',
      });
    case status === 429 || status >= 500:
      return new HttpStatusError(`${what} failed: the API answered ${status}${detail}`, status, retryAfterMs, {
        code,
        hint: status === 429 ? 'the API is rate limiting: try again later' : 'the API had a problem: try again later',
      });
    default:
      return new NetworkError(`${what} failed: the API answered ${status}${detail}`, {
        code,
        hint: 'check --api-url points at the Fastio API',
      });
  }
}

/** What the retry loops of the API client and of uploads agree on: 429/5xx and transient network failures. */
export function retryDecision(err: unknown): RetryDecision {
  if (err instanceof HttpStatusError) return { retry: true, ...(err.retryAfterMs === undefined ? {} : { retryAfterMs: err.retryAfterMs }) };
  return { retry: err instanceof NetworkError && isTransientNetworkError(err.cause) };
}
