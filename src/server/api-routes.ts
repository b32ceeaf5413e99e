// The authenticated API (SPEC 1.1, 1.3-1.5) under /v1/workspaces/{id}/...
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileStatus, presignUpload } from './api-files.js';
import type { ServerCore } from './core.js';
import { ApiError, readJsonObject, sendEmpty, sendJson } from './http-util.js';
import { injectedError } from './faults.js';
import { toPublic } from './webhooks.js';
import { optionalInteger, requirePath } from './validate.js';

const DEFAULT_LOCK_TTL = 60;
const MAX_LOCK_TTL = 24 * 3600;

type Handler = (ctx: { req: IncomingMessage; res: ServerResponse; url: URL; core: ServerCore; base: string; id: string }) => Promise<void> | void;

/** `METHOD rest-of-path`, with `:id` standing for one segment. */
const ROUTES: Record<string, Handler> = {
  'POST files/presign-upload': ({ req, res, core, base }) => presignUpload(req, res, core, base),
  'GET files': ({ url, res, core }) => fileStatus(url, res, core),
  'POST locks': async ({ req, res, core }) => {
    const body = await readJsonObject(req, res);
    const path = requirePath(body);
    const ttl = optionalInteger(body, 'ttlSeconds', 1, MAX_LOCK_TTL) ?? DEFAULT_LOCK_TTL;
    const lock = await core.locks.acquire(path, ttl);
    sendJson(res, 201, { lockId: lock.lockId, path: lock.path, expiresAt: new Date(lock.expiresAt).toISOString() });
  },
  'DELETE locks/:id': async ({ res, core, id }) => {
    if (!(await core.locks.release(id))) throw new ApiError(404, 'LockNotFound', `no lock ${id} (expired or released)`);
    sendEmpty(res, 204);
  },
  'GET cors': ({ res, core }) => sendJson(res, 200, core.cors.config),
  'PUT cors': async ({ req, res, core }) => sendJson(res, 200, await core.cors.replace(await readJsonObject(req, res))),
  'POST webhooks': async ({ req, res, core }) => {
    const endpoint = await core.webhooks.create(await readJsonObject(req, res));
    sendJson(res, 201, { ...toPublic(endpoint), secret: endpoint.secret });
  },
  'GET webhooks': ({ res, core }) => sendJson(res, 200, { data: core.webhooks.list() }),
  'DELETE webhooks/:id': async ({ res, core, id }) => {
    if (!(await core.webhooks.remove(id))) throw new ApiError(404, 'WebhookNotFound', `no webhook endpoint ${id}`);
    sendEmpty(res, 204);
  },
};

export async function handleApi(req: IncomingMessage, res: ServerResponse, core: ServerCore, base: string): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://dev-server.invalid');
  const parts = url.pathname.split('/').slice(1);
  if (parts[0] !== 'v1' || parts[1] !== 'workspaces' || !parts[2]) {
    throw new ApiError(404, 'NotFound', `no such endpoint: ${req.method} ${url.pathname}`);
  }
  // Browsers only ever PUT to the upload host; an API preflight is "any other preflight" (SPEC 1.2).
  if (req.method === 'OPTIONS') throw new ApiError(403, 'CORSForbidden', 'the API does not answer browser preflights; only upload URLs do');
  authenticate(req, core.identity.apiKey);
  const injected = core.faults.take('api-status');
  if (injected) throw injectedError(injected.value, injected.retryAfter, 'api-status');
  const delay = core.faults.take('api-delay')?.value;
  if (delay) await new Promise((r) => setTimeout(r, delay));
  if (decodeSegment(parts[2]) !== core.identity.workspace) {
    throw new ApiError(404, 'WorkspaceNotFound', `no workspace ${decodeSegment(parts[2])}; this server's is ${core.identity.workspace}`);
  }
  const rest = parts.slice(3);
  const shape = rest.length === 2 && (rest[0] === 'locks' || rest[0] === 'webhooks') ? `${rest[0]}/:id` : rest.join('/');
  const handler = ROUTES[`${req.method} ${shape}`];
  if (!handler) {
    const allowed = Object.keys(ROUTES).filter((k) => k.endsWith(` ${shape}`)).map((k) => k.split(' ')[0]);
    if (allowed.length === 0) throw new ApiError(404, 'NotFound', `no such endpoint: ${url.pathname}`);
    throw new ApiError(405, 'MethodNotAllowed', `${req.method} is not allowed here; use ${allowed.join(' or ')}`, { Allow: allowed.join(', ') });
  }
  await handler({ req, res, url, core, base, id: decodeSegment(rest[1] ?? '') });
}

function authenticate(req: IncomingMessage, apiKey: string): void {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  const given = Buffer.from(match?.[1] ?? '', 'utf8');
  const expected = Buffer.from(apiKey, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new ApiError(401, 'Unauthorized', match ? 'unknown API key' : 'missing API key: send Authorization: Bearer <key>', {
      'WWW-Authenticate': 'Bearer',
    });
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
