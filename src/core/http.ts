// One keep-alive connection pool per process, shared by the API client and all
// transfers (SPEC/issue: --concurrency uses one pool).
import type { Dispatcher } from 'undici';

export interface DispatcherOptions {
  /** Give up connecting after this long. */
  connectTimeoutMs?: number;
  /** Give up on a socket that carries nothing for this long (headers or body). */
  idleTimeoutMs?: number;
  /** Connections per origin. */
  connections?: number;
}

type Undici = Pick<typeof import('undici'), 'Agent' | 'buildConnector'>;
let loaded: Promise<Undici> | undefined;

/** undici, loaded once and lean. The commands that use it tune V8 first (client-v8.ts). */
export function loadUndici(): Promise<Undici> {
  loaded ??= import('./undici-lean.js');
  return loaded;
}

export async function createDispatcher(
  opts: DispatcherOptions = {},
  /** A socket factory of one's own (the upload pool wraps undici's). */
  connect?: import('undici').buildConnector.connector,
): Promise<Dispatcher> {
  const { Agent } = await loadUndici();
  const idle = opts.idleTimeoutMs ?? 60_000;
  return new Agent({
    connect: connect ?? { timeout: opts.connectTimeoutMs ?? 15_000 },
    headersTimeout: idle,
    bodyTimeout: idle,
    keepAliveTimeout: 10_000,
    connections: opts.connections ?? 16,
    pipelining: 1,
  });
}

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** Reads a whole (small) response body as text, bounded so a hostile server cannot exhaust memory. */
export async function readBodyText(body: AsyncIterable<Uint8Array>, limit = 1 << 20): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) break;
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}
