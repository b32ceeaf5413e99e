// The Fastio API as fastup speaks it (SPEC 1). Only this module sends the API
// key, and only to the API origin: redirects are not followed (undici's request
// does not follow them), so the key can never travel to another host.
import type { Dispatcher } from 'undici';
import { apiError, parseApiError, retryDecision } from './api-errors.js';
import { NetworkError } from './errors.js';
import { readBodyText } from './http.js';
import { toNetworkError } from './net-errors.js';
import { urlForLog } from './redact.js';
import { parseRetryAfter, withRetries, type RetryOptions } from './retry.js';

// The API's answers are checked by hand, not with zod: loading zod costs every
// upload ~42 ms and ~14 MB (issue 6), and these are a few flat objects. Unknown
// fields are dropped, as z.object did; a wrong type is a BadApiResponse.
export interface PresignResponse {
  uploadUrl: string;
  method: string;
  headers: Record<string, string>;
  expiresAt?: string;
}

export interface PresignRequest {
  path: string;
  contentType: string;
  expiresIn?: number;
  maxSizeBytes?: number;
  lockId?: string;
}

export interface Webhook {
  id: string;
  url: string;
  events: string[];
  secret?: string;
}

export interface FileStatus {
  path: string;
  sizeBytes: number;
  contentType: string;
  sha256: string;
  committedAt?: string;
}

export interface Lock {
  lockId: string;
  path: string;
  expiresAt?: string;
}

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
    const answer = pick<Partial<PresignResponse> & { uploadUrl: string }>(body, PRESIGN, 'presign');
    return { ...answer, method: answer.method ?? 'PUT', headers: answer.headers ?? {} };
  }

  async createWebhook(req: { url: string; events: string[]; ttlSeconds?: number }): Promise<Webhook & { secret: string }> {
    const body = await this.call({ method: 'POST', path: this.ws('/webhooks'), body: req, what: 'creating a webhook endpoint' });
    return pick<Webhook & { secret: string }>(body, { ...WEBHOOK, secret: 'string' }, 'webhook');
  }

  async listWebhooks(): Promise<Webhook[]> {
    const body = await this.call({ method: 'GET', path: this.ws('/webhooks'), what: 'listing webhook endpoints' });
    const { data } = pick<{ data: unknown[] }>(body, { data: 'array' }, 'webhook list');
    return data.map((w) => pick<Webhook>(w, WEBHOOK, 'webhook list'));
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
    return body === undefined ? undefined : pick<FileStatus>(body, FILE_STATUS, 'file status');
  }

  async createLock(path: string, ttlSeconds: number): Promise<Lock> {
    const body = await this.call({ method: 'POST', path: this.ws('/locks'), body: { path, ttlSeconds }, what: `locking ${path}` });
    return pick<Lock>(body, LOCK, 'lock');
  }

  async deleteLock(lockId: string): Promise<void> {
    await this.call({ method: 'DELETE', path: this.ws(`/locks/${encodeURIComponent(lockId)}`), what: 'releasing a lock', allow: [404] });
  }

  private async call(call: Call): Promise<unknown> {
    const now = this.opts.now ?? Date.now;
    return withRetries(
      () => this.once(call, now),
      retryDecision,
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

type Kind = 'string' | 'number' | 'array' | 'strings' | 'headers';
type Fields = Record<string, Kind | `${Kind}?`>;

const PRESIGN: Fields = { uploadUrl: 'string', method: 'string?', headers: 'headers?', expiresAt: 'string?' };
const WEBHOOK: Fields = { id: 'string', url: 'string', events: 'strings', secret: 'string?' };
const FILE_STATUS: Fields = { path: 'string', sizeBytes: 'number', contentType: 'string', sha256: 'string', committedAt: 'string?' };
const LOCK: Fields = { lockId: 'string', path: 'string', expiresAt: 'string?' };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fits(value: unknown, kind: Kind): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'array':
      return Array.isArray(value);
    case 'strings':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'headers':
      return isRecord(value) && Object.values(value).every((v) => typeof v === 'string');
  }
}

/** The listed fields of an answer, each of its kind (`?`: may be absent); anything else is dropped. */
function pick<T>(value: unknown, fields: Fields, what: string): T {
  const bad = () =>
    new NetworkError(`the API's ${what} answer is not what fastup expects`, {
      code: 'BadApiResponse',
      hint: 'check --api-url points at the Fastio API',
    });
  if (!isRecord(value)) throw bad();
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(fields)) {
    const v = value[key];
    const optional = spec.endsWith('?');
    if (v === undefined && optional) continue;
    if (!fits(v, spec.replace('?', '') as Kind)) throw bad();
    out[key] = v;
  }
  return out as T;
}
