// CORS for browser uploads (SPEC 1.2). A preflight passes only from an allowed
// origin, asking for PUT and no header beyond the signed ones; anything else
// is 403 with no Access-Control-Allow-* header. Answers to an allowed origin,
// errors included, carry Access-Control-Allow-Origin so a page can read why
// its PUT failed; nothing is exposed beyond the CORS-safelisted headers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, sendError } from './http-util.js';
import type { CorsConfig, StateStore } from './state-store.js';
import { invalid, optionalInteger } from './validate.js';

/** The request headers a presigned PUT carries besides Content-Length. */
const SIGNED_HEADERS = ['content-type', 'x-amz-signature'];
const MAX_AGE_LIMIT = 86_400;

export function normalizeOrigin(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    // An origin is scheme://host[:port] and nothing more.
    return url.origin === value.replace(/\/$/, '') ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

export class Cors {
  constructor(private readonly store: StateStore) {}

  get config(): CorsConfig {
    return this.store.state.cors;
  }

  allows(origin: string | undefined): origin is string {
    return origin !== undefined && this.config.allowedOrigins.includes(origin);
  }

  /** --cors-origin: adds origins to the kept list at start. */
  async addOrigins(origins: string[]): Promise<void> {
    const added = origins.filter((o) => !this.config.allowedOrigins.includes(o));
    if (added.length === 0) return;
    this.config.allowedOrigins.push(...added);
    await this.store.save();
  }

  async replace(body: Record<string, unknown>): Promise<CorsConfig> {
    const raw = body.allowedOrigins;
    if (!Array.isArray(raw)) throw invalid('allowedOrigins', 'must be an array of origins');
    const origins: string[] = [];
    for (const item of raw) {
      const origin = typeof item === 'string' ? normalizeOrigin(item) : undefined;
      if (!origin) throw invalid('allowedOrigins', `${JSON.stringify(item)} is not an origin like https://app.example.com`);
      if (!origins.includes(origin)) origins.push(origin);
    }
    const maxAgeSeconds = optionalInteger(body, 'maxAgeSeconds', 0, MAX_AGE_LIMIT) ?? this.config.maxAgeSeconds;
    this.store.state.cors = { allowedOrigins: origins, maxAgeSeconds };
    await this.store.save();
    return this.store.state.cors;
  }

  /** Answers an OPTIONS request on the upload host. */
  preflight(req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin;
    const method = req.headers['access-control-request-method'];
    const asked = (req.headers['access-control-request-headers'] ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean);
    const unsigned = asked.find((h) => !SIGNED_HEADERS.includes(h));
    let why: string | undefined;
    if (!this.allows(origin)) why = `origin ${origin ?? '(none)'} is not allowed; add it with PUT /v1/workspaces/{id}/cors or --cors-origin`;
    else if (method !== 'PUT') why = `method ${method ?? '(none)'} is not allowed; only PUT`;
    else if (unsigned) why = `header ${unsigned} is not allowed; only Content-Type and X-Amz-Signature`;
    if (why !== undefined || origin === undefined) {
      sendError(res, new ApiError(403, 'CORSForbidden', why ?? 'preflight refused', { Vary: 'Origin' }));
      return;
    }
    res.writeHead(204, {
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Methods': 'PUT',
      'Access-Control-Allow-Headers': 'Content-Type, X-Amz-Signature',
      'Access-Control-Max-Age': String(this.config.maxAgeSeconds),
      Vary: 'Origin',
    });
    res.end();
  }

  /** Marks an upload answer (success or error) readable by an allowed origin. */
  decorate(req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin;
    res.setHeader('Vary', 'Origin');
    if (this.allows(origin)) res.setHeader('Access-Control-Allow-Origin', origin);
  }
}
