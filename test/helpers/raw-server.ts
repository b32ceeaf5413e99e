// A raw node:http upload host for tests that must see exactly what fastup
// sends: the request-target byte for byte, every header, the body's length
// and SHA-256. Each answer is decided by a handler per request.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  rawHeaders: string[];
  bodyBytes: number;
  sha256: string;
  /** The body arrived whole (not cut off by the client). */
  complete: boolean;
}

export type Answer = (req: Recorded, n: number) => { status: number; headers?: Record<string, string>; body?: string };
/** Answer at once, before reading the body (an early 413/403). */
export type EarlyAnswer = (req: IncomingMessage, n: number) => { status: number; headers?: Record<string, string>; body?: string; close?: boolean } | undefined;

export interface RawServer {
  url: string;
  origin: string;
  requests: Recorded[];
  close(): Promise<void>;
}

export const ok: Answer = (r) => ({
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ path: '/x', sizeBytes: r.bodyBytes, contentType: r.headers['content-type'] ?? null, sha256: r.sha256 }),
});

function send(res: ServerResponse, a: { status: number; headers?: Record<string, string>; body?: string }): void {
  res.writeHead(a.status, a.headers ?? {});
  res.end(a.body ?? '');
}

export async function startRawServer(answer: Answer = ok, early?: EarlyAnswer): Promise<RawServer> {
  const requests: Recorded[] = [];
  let n = 0;
  const server: Server = createServer((req, res) => {
    const index = n++;
    const first = early?.(req, index);
    if (first) {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders, bodyBytes: 0, sha256: '', complete: false });
      if (first.close) {
        // Like a host that refuses from the headers and hangs up without reading the body.
        res.setHeader('connection', 'close');
        res.end = ((end) =>
          function (this: ServerResponse, ...args: Parameters<ServerResponse['end']>) {
            end.apply(this, args);
            setImmediate(() => req.socket.destroy());
            return this;
          })(res.end) as ServerResponse['end'];
      }
      send(res, first);
      return;
    }
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      hash.update(chunk);
    });
    req.on('end', () => {
      const rec: Recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders, bodyBytes: bytes, sha256: hash.digest('hex'), complete: true };
      requests.push(rec);
      send(res, answer(rec, index));
    });
    req.on('aborted', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders, bodyBytes: bytes, sha256: '', complete: false });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/`,
    origin,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
