// The webhook listener both `watch-webhooks` and `upload --wait` run: node:http
// servers on one port (loopback pair by default), hardened as issue 5 item 4
// asks: capped body, headers and connections, and timeouts that drop slow
// clients (slowloris) instead of letting them hold sockets forever.
import { createServer, type Server } from 'node:http';
import { listenAll, urlHost, bindHosts } from './listen-address.js';
import { EventIdLog } from './webhook-dedupe.js';
import { createHandler, type ListenerReport, type VerifiedDelivery } from './webhook-handler.js';

export type { ListenerReport, VerifiedDelivery } from './webhook-handler.js';

export interface ListenerLimits {
  maxBodyBytes: number;
  maxHeaderBytes: number;
  /** Connections per bound address. */
  maxConnections: number;
  /** Whole headers must arrive within this. */
  headersTimeoutMs: number;
  /** The whole request must arrive within this. */
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** Remembered event ids (see webhook-dedupe). */
  rememberedIds: number;
}

export const DEFAULT_LIMITS: ListenerLimits = {
  maxBodyBytes: 1 << 20,
  maxHeaderBytes: 16 << 10,
  maxConnections: 64,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  keepAliveTimeoutMs: 5_000,
  rememberedIds: 10_000,
};

export interface ListenerOptions {
  /** undefined or localhost: 127.0.0.1 and ::1. */
  host?: string;
  port: number;
  /** Deliveries are accepted on this path only; undefined accepts any. */
  path?: string;
  secrets: () => readonly string[] | Promise<readonly string[]>;
  toleranceSeconds: number;
  /** Milliseconds since the epoch: the receiver's clock. */
  now: () => number;
  onDelivery: (delivery: VerifiedDelivery) => number | Promise<number>;
  report: (report: ListenerReport) => void;
  limits?: Partial<ListenerLimits>;
  /** Names the flag in a port-in-use error (--port or --listen). */
  portFlag?: string;
}

export interface WebhookListener {
  /** The URL to deliver to (the first bound address). */
  url: string;
  /** Every URL the listener answers on. */
  urls: string[];
  port: number;
  /** Stops accepting, lets answers in flight finish (briefly), then drops the rest. Safe to call twice. */
  close(): Promise<void>;
}

export async function startWebhookListener(opts: ListenerOptions): Promise<WebhookListener> {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const handler = createHandler({
    path: opts.path,
    secrets: opts.secrets,
    toleranceSeconds: opts.toleranceSeconds,
    now: opts.now,
    maxBodyBytes: limits.maxBodyBytes,
    ids: new EventIdLog(limits.rememberedIds),
    onDelivery: opts.onDelivery,
    report: opts.report,
  });
  const make = (): Server => {
    const server = createServer(
      {
        maxHeaderSize: limits.maxHeaderBytes,
        headersTimeout: limits.headersTimeoutMs,
        requestTimeout: limits.requestTimeoutMs,
        keepAliveTimeout: limits.keepAliveTimeoutMs,
        // The timeouts above are only checked this often (default 30 s).
        connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
      },
      handler,
    );
    server.maxConnections = limits.maxConnections;
    return server;
  };
  const { servers, port } = await listenAll(make, opts.host, opts.port, opts.portFlag);
  const { required, optional } = bindHosts(opts.host);
  const hosts = servers.length > 1 && optional ? [required, optional] : [required];
  const urls = hosts.map((h) => `http://${urlHost(h)}:${port}${opts.path ?? '/'}`);
  let closing: Promise<void> | undefined;
  return {
    url: urls[0] as string,
    urls,
    port,
    close: () => (closing ??= Promise.all(servers.map(closeServer)).then(() => {})),
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    // An answer in flight gets a moment to reach its sender; then everything goes.
    setTimeout(() => server.closeAllConnections(), 1_000).unref();
  });
}
