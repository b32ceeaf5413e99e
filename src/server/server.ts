// The dev-server's HTTP front: one node:http server for the API and the
// upload host, with the limits a server facing real sockets needs (header size,
// header timeout, idle timeout). startServer takes its clock and logger as
// arguments so tests and other code can run it in-process.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleApi } from './api-routes.js';
import { openCore, type CoreOptions, type ServerCore } from './core.js';
import { closeGracefully } from './early-close.js';
import { ApiError, sendError } from './http-util.js';
import { DIRECT_PREFIX } from './signing.js';
import { handleUpload } from './upload-handler.js';

export interface ServerOptions extends CoreOptions {
  host: string;
  port: number;
  /** Slow-client limits; the defaults suit real use, tests shorten them. */
  limits?: { headersTimeoutMs?: number; idleTimeoutMs?: number };
}

export interface RequestLog {
  method: string;
  /** Without the query: it carries upload grants. */
  path: string;
  status: number | 'aborted';
  ms: number;
}

export interface ServerDeps {
  now: () => number;
  logRequest: (entry: RequestLog) => void;
  logEvent: (line: string) => void;
}

export interface RunningServer {
  url: string;
  core: ServerCore;
  close(): Promise<void>;
}

const MAX_HEADER_BYTES = 16 * 1024;
const HEADERS_TIMEOUT_MS = 20_000;
const IDLE_TIMEOUT_MS = 60_000;
const SWEEP_INTERVAL_MS = 1_000;
const CLOSE_GRACE_MS = 2_000;

export function urlFor(host: string, port: number): string {
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}

/** Origin-form, or absolute-form (`PUT http://host/v1/direct/...`, which then fails the signature). */
function isUploadTarget(target: string): boolean {
  if (target.startsWith(DIRECT_PREFIX)) return true;
  return /^https?:\/\//i.test(target) && URL.canParse(target) && new URL(target).pathname.startsWith(DIRECT_PREFIX);
}

export async function startServer(options: ServerOptions, deps: ServerDeps): Promise<RunningServer> {
  const core = await openCore(options, deps.now, deps.logEvent);
  let url = '';
  const unspecified = options.host === '0.0.0.0' || options.host === '::';
  // Bound to every address, the client's own Host is the name it can reach us by.
  const baseFor = (req: http.IncomingMessage): string =>
    unspecified && /^[\w.-]+(:\d+)?$|^\[[\da-f:.]+\](:\d+)?$/i.test(req.headers.host ?? '') ? `http://${req.headers.host}` : url;

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const started = performance.now();
    res.once('close', () => {
      deps.logRequest({
        method: req.method ?? '?',
        path: (req.url ?? '').split('?')[0] ?? '',
        status: res.writableFinished ? res.statusCode : 'aborted',
        ms: Math.round(performance.now() - started),
      });
    });
    const route = isUploadTarget(req.url ?? '') ? handleUpload(req, res, core) : handleApi(req, res, core, baseFor(req));
    route.catch((err: unknown) => {
      if (res.headersSent || res.destroyed) {
        res.destroy();
        return;
      }
      const apiError =
        err instanceof ApiError ? err : new ApiError(500, 'InternalError', 'the dev-server failed; see its log');
      if (!(err instanceof ApiError)) deps.logEvent(`internal error on ${req.method} ${(req.url ?? '').split('?')[0]}: ${(err as Error)?.stack ?? String(err)}`);
      closeGracefully(req, res);
      sendError(res, apiError);
    });
  };

  const headersTimeout = options.limits?.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
  const server = http.createServer(
    {
      maxHeaderSize: MAX_HEADER_BYTES,
      // No cap on a whole request: a 1 GiB body may take long. Stalls are cut
      // by the idle timeout instead, and slow heads (slowloris) by headersTimeout.
      requestTimeout: 0,
      headersTimeout,
      connectionsCheckingInterval: Math.min(headersTimeout, 30_000) / 2,
    },
    onRequest,
  );
  // Our handlers decide when (and whether) to send 100 Continue: a 413 or 403 goes out instead of it.
  server.on('checkContinue', onRequest);
  server.setTimeout(options.limits?.idleTimeoutMs ?? IDLE_TIMEOUT_MS);
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((err: unknown) => {
    core.delivery.close();
    throw err;
  });
  url = urlFor(options.host, (server.address() as AddressInfo).port);

  const sweep = setInterval(() => {
    void core.webhooks.sweep().catch(() => {});
  }, SWEEP_INTERVAL_MS);
  sweep.unref();

  return {
    url,
    core,
    close: async () => {
      clearInterval(sweep);
      core.delivery.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS).unref();
      });
      await core.storage.close();
    },
  };
}
