// The Fastio API as fastup speaks it (SPEC 1). Only this module sends the API
// key, and only to the API origin: redirects are not followed (undici's request
// does not follow them), so the key can never travel to another host.
import type { Dispatcher } from 'undici';
import { z } from 'zod';
import { apiError, HttpStatusError, parseApiError } from './api-errors.js';
import { NetworkError } from './errors.js';
import { readBodyText } from './http.js';
import { isTransientNetworkError, toNetworkError } from './net-errors.js';
import { urlForLog } from './redact.js';
import { parseRetryAfter, withRetries, type RetryOptions } from './retry.js';

export const presignResponseSchema = z.object({
  uploadUrl: z.string(),
  method: z.string().default('PUT'),
  headers: z.record(z.string(), z.string()).default({}),
  expiresAt: z.string().optional(),
});
export type PresignResponse = z.infer<typeof presignResponseSchema>;

export interface PresignRequest {
  path: string;
  contentType: string;
  expiresIn?: number;
  maxSizeBytes?: number;
  lockId?: string;
}

const webhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  secret: z.string().optional(),
});
export type Webhook = z.infer<typeof webhookSchema>;

const fileStatusSchema = z.object({
  path: z.string(),
  sizeBytes: z.number(),
  contentType: z.string(),
  sha256: z.string(),
  committedAt: z.string().optional(),
});
export type FileStatus = z.infer<typeof fileStatusSchema>;

const lockSchema = z.object({ lockId: z.string(), path: z.string(), expiresAt: z.string().optional() });
export type Lock = z.infer<typeof lockSchema>;

export interface ApiClientOptions {
  apiUrl: string;
  apiKey: string;
  workspace: string;
  dispatcher: Dispatcher;
  retries: number;
  signal?: AbortSignal;
  now?: () => number;
  /** --verbose: one line per exchange; never given secrets. */
  log?: (line: string) => void;
  retry?: Partial<RetryOptions>;
}

interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  body?: unknown;
  what: string;
  /** Statuses answered with undefined instead of an error (e.g. 404 FileNotFound). */
  allow?: number[];
}

export class ApiClient {
  private readonly origin: string;
  private readonly basePath: string;

  constructor(private readonly opts: ApiClientOptions) {
    const url = new URL(opts.apiUrl);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
  }

  /**
   * The same client bound to another abort signal: clean-up calls (deleting a
   * temporary endpoint after Ctrl-C) must not be cancelled by the signal that
   * started them.
   */
  withSignal(signal: AbortSignal | undefined): ApiClient {
    const { signal: _old, ...rest } = this.opts;
    return new ApiClient(signal ? { ...rest, signal } : rest);
  }

  private ws(suffix: string): string {
    return `/v1/workspaces/${encodeURIComponent(this.opts.workspace)}${suffix}`;
  }

  async presignUpload(req: PresignRequest): Promise<PresignResponse> {
    const body = await this.call({ method: 'POST', path: this.ws('/files/presign-upload'), body: req, what: 'presign' });
    return parse(presignResponseSchema, body, 'presign');
  }

  async createWebhook(req: { url: string; events: string[]; ttlSeconds?: number }): Promise<Webhook & { secret: string }> {
    const body = await this.call({ method: 'POST', path: this.ws('/webhooks'), body: req, what: 'creating a webhook endpoint' });
    return parse(webhookSchema.extend({ secret: z.string() }), body, 'webhook');
  }

  async listWebhooks(): Promise<Webhook[]> {
    const body = await this.call({ method: 'GET', path: this.ws('/webhooks'), what: 'listing webhook endpoints' });
    return parse(z.object({ data: z.array(webhookSchema) }), body, 'webhook list').data;
  }

  async deleteWebhook(id: string): Promise<void> {
    await this.call({
      method: 'DELETE',
      path: this.ws(`/webhooks/${encodeURIComponent(id)}`),
      what: 'deleting a webhook endpoint',
      allow: [404],
    });
  }

  async fileStatus(path: string): Promise<FileStatus | undefined> {
    const body = await this.call({
      method: 'GET',
      path: this.ws(`/files?path=${encodeURIComponent(path)}`),
      what: 'reading file status',
      allow: [404],
    });
    return body === undefined ? undefined : parse(fileStatusSchema, body, 'file status');
  }

  async createLock(path: string, ttlSeconds: number): Promise<Lock> {
    const body = await this.call({ method: 'POST', path: this.ws('/locks'), body: { path, ttlSeconds }, what: `locking ${path}` });
    return parse(lockSchema, body, 'lock');
  }

  async deleteLock(lockId: string): Promise<void> {
    await this.call({ method: 'DELETE', path: this.ws(`/locks/${encodeURIComponent(lockId)}`), what: 'releasing a lock', allow: [404] });
  }

  private async call(call: Call): Promise<unknown> {
    const now = this.opts.now ?? Date.now;
    return withRetries(
      () => this.once(call, now),
      (err) =>
        err instanceof HttpStatusError
          ? { retry: true, ...(err.retryAfterMs === undefined ? {} : { retryAfterMs: err.retryAfterMs }) }
          : { retry: err instanceof NetworkError && isTransientNetworkError(err.cause) },
      {
        retries: this.opts.retries,
        ...(this.opts.signal ? { signal: this.opts.signal } : {}),
        onRetry: ({ delayMs, error }) =>
          this.opts.log?.(`retrying ${call.what} in ${delayMs} ms: ${(error as Error).message}`),
        ...this.opts.retry,
      },
    );
  }

  private async once(call: Call, now: () => number): Promise<unknown> {
    const started = now();
    const path = this.basePath + call.path;
    this.opts.log?.(`→ ${call.method} ${urlForLog(this.origin + path)}`);
    let res: Dispatcher.ResponseData;
    try {
      res = await this.opts.dispatcher.request({
        origin: this.origin,
        path,
        method: call.method,
        headers: {
          authorization: `Bearer ${this.opts.apiKey}`,
          accept: 'application/json',
          ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: call.body === undefined ? null : JSON.stringify(call.body),
        ...(this.opts.signal ? { signal: this.opts.signal } : {}),
      });
    } catch (err) {
      if (this.opts.signal?.aborted) throw this.opts.signal.reason;
      throw toNetworkError(err, new URL(this.origin).host);
    }
    const text = await readBodyText(res.body);
    this.opts.log?.(`← ${res.statusCode} ${call.method} ${urlForLog(this.origin + path)} (${now() - started} ms)`);
    if (res.statusCode >= 200 && res.statusCode < 300) {
      if (text === '') return null;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new NetworkError(`${call.what}: the API answered with something that is not JSON`, {
          code: 'BadApiResponse',
          hint: 'check --api-url points at the Fastio API',
        });
      }
    }
    if (call.allow?.includes(res.statusCode)) return undefined;
    throw apiError(res.statusCode, parseApiError(text), call.what, parseRetryAfter(res.headers['retry-after'], now()));
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new NetworkError(`the API's ${what} answer is not what fastup expects`, {
      code: 'BadApiResponse',
      hint: 'check --api-url points at the Fastio API',
    });
  }
  return result.data;
}
