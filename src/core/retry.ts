// Exponential backoff with full jitter (AWS architecture blog's "full jitter"),
// honouring a server's Retry-After. Used for API calls and for uploads.

export interface RetryDecision {
  retry: boolean;
  /** Server-requested wait (Retry-After), in ms. */
  retryAfterMs?: number;
}

export interface RetryOptions {
  retries: number;
  signal?: AbortSignal;
  baseMs?: number;
  capMs?: number;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Called before each wait, e.g. to print "retrying in 1.2s". */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

export function backoffDelay(attempt: number, opts: Pick<RetryOptions, 'baseMs' | 'capMs' | 'random'>, retryAfterMs?: number): number {
  const base = opts.baseMs ?? 250;
  const cap = opts.capMs ?? 20_000;
  const jittered = Math.floor((opts.random ?? Math.random)() * Math.min(cap, base * 2 ** attempt));
  return retryAfterMs === undefined ? jittered : Math.max(retryAfterMs, jittered);
}

export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  const { setTimeout: wait } = await import('node:timers/promises');
  await wait(ms, undefined, signal ? { signal } : undefined);
}

/**
 * Runs `attempt` until it succeeds, `classify` says the error is final, or the
 * retries are spent; the last error is thrown as it was.
 */
export async function withRetries<T>(
  attempt: (n: number) => Promise<T>,
  classify: (error: unknown) => RetryDecision,
  opts: RetryOptions,
): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      const decision = classify(error);
      if (!decision.retry || n >= opts.retries || opts.signal?.aborted) throw error;
      const delayMs = backoffDelay(n, opts, decision.retryAfterMs);
      opts.onRetry?.({ attempt: n + 1, delayMs, error });
      await (opts.sleep ?? sleep)(delayMs, opts.signal);
    }
  }
}

/** Retry-After is seconds or an HTTP date (RFC 9110 10.2.3). */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\d+$/.test(text.trim())) return Math.min(Number(text.trim()) * 1000, 300_000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.min(Math.max(0, date - nowMs), 300_000);
}
