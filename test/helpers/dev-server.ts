// Starts the BUILT dev-server (`npm run build` first) as a child process for
// e2e tests, on a free port, with a private data dir and no config profile.
//
//   const sandbox = makeSandbox();
//   const server = await startDevServer(sandbox);            // or (sandbox, ['--fault', 'put-status=503x1'])
//   const presigned = await presign(server, '/a.txt', { contentType: 'text/plain' });
//   ...
//   await server.stop();                                     // SIGTERM, waits for exit
//
// Restart on the same data dir: startDevServer(sandbox, [], { dataDir: server.dataDir }).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ResultPromise } from 'execa';
import { fastup, type Sandbox } from './fastup.js';

export interface DevServer {
  apiUrl: string;
  apiKey: string;
  workspace: string;
  dataDir: string;
  /** Endpoints preconfigured with --webhook, with their secrets. */
  webhooks: { id: string; url: string; secret: string }[];
  child: ResultPromise;
  /** Everything the server wrote on stderr so far (request logs, warnings). */
  stderr(): string;
  /** SIGTERM and wait for the process to end. */
  stop(): Promise<void>;
  /** SIGKILL (no cleanup at all) and wait for the process to end. */
  kill(): Promise<void>;
}

export interface StartOptions {
  /** Reuse a data dir (restart tests); default: a fresh folder in the sandbox. */
  dataDir?: string;
  /** Milliseconds to wait for the start line; default 15 s. */
  timeoutMs?: number;
}

let counter = 0;

export async function startDevServer(sandbox: Sandbox, extraArgs: string[] = [], options: StartOptions = {}): Promise<DevServer> {
  const dataDir = options.dataDir ?? join(sandbox.dir, `dev-server-data-${++counter}`);
  mkdirSync(dataDir, { recursive: true });
  const child = fastup(['--json', 'dev-server', '--port', '0', '--data-dir', dataDir, '--no-profile', ...extraArgs], {
    sandbox,
    buffer: false,
    stdin: 'ignore',
  }) as unknown as ResultPromise;
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
  });
  // Keep the result promise from rejecting unhandled when the child is killed.
  const exited = Promise.resolve(child).then(
    () => {},
    () => {},
  );

  const first = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dev-server did not start in time; stderr:\n${stderr}`)), options.timeoutMs ?? 15_000);
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      lines.close();
      resolve(line);
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`dev-server exited before starting; stderr:\n${stderr}`));
    });
  });
  const info = JSON.parse(first) as Omit<DevServer, 'child' | 'stderr' | 'stop' | 'kill'>;

  const end = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    ...info,
    dataDir,
    child,
    stderr: () => stderr,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
  };
}

export interface ApiAnswer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** One API call with the server's key (or `key`), JSON in and out. */
export async function api<T = any>(
  server: Pick<DevServer, 'apiUrl' | 'apiKey' | 'workspace'>,
  method: string,
  subpath: string,
  body?: unknown,
  key: string | null = server.apiKey,
): Promise<ApiAnswer<T>> {
  const res = await fetch(`${server.apiUrl}/v1/workspaces/${server.workspace}${subpath}`, {
    method,
    headers: {
      Accept: 'application/json',
      ...(key !== null ? { Authorization: `Bearer ${key}` } : {}),
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as T) : (undefined as T) };
}

export interface Presigned {
  uploadUrl: string;
  method: string;
  headers: Record<string, string>;
  expiresAt: string;
}

/** presign-upload that must succeed. */
export async function presign(
  server: Pick<DevServer, 'apiUrl' | 'apiKey' | 'workspace'>,
  path: string,
  fields: { contentType?: string; expiresIn?: number; maxSizeBytes?: number; lockId?: string } = {},
): Promise<Presigned> {
  const answer = await api<Presigned>(server, 'POST', '/files/presign-upload', {
    path,
    contentType: 'application/octet-stream',
    ...fields,
  });
  if (answer.status !== 200) throw new Error(`presign failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The first bytes the server sent (e.g. to prove no `100 Continue` came before a 413). */
  head: string;
}

export interface RawRequest {
  method?: string;
  /** The request-target exactly as sent, e.g. the path+query of an upload URL. */
  target: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Send only the head, wait for the answer (Expect: 100-continue without a body). */
  headOnly?: boolean;
  /** Send this many body bytes, then cut the connection (simulates a client going away). */
  abortAfterBytes?: number;
}

/**
 * One HTTP/1.1 exchange over a bare TCP socket: nothing is normalised, added or
 * re-encoded, so tests control every byte a client could get wrong.
 */
export async function rawHttp(baseUrl: string, request: RawRequest): Promise<RawAnswer> {
  const { connect } = await import('node:net');
  const url = new URL(baseUrl);
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  const headers: Record<string, string> = { Host: url.host, Connection: 'close', ...request.headers };
  const head = `${request.method ?? 'PUT'} ${request.target} HTTP/1.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
  const socket = connect(Number(url.port), url.hostname.replace(/^\[|\]$/g, ''));
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.on('error', (err) => (chunks.length > 0 ? resolve(Buffer.concat(chunks)) : reject(err)));
  });
  socket.write(head);
  if (request.abortAfterBytes !== undefined) {
    socket.write((body ?? Buffer.alloc(0)).subarray(0, request.abortAfterBytes), () => {
      setTimeout(() => socket.destroy(), 50);
    });
    await done.catch(() => Buffer.alloc(0));
    return { status: 0, headers: {}, body: '', head: '' };
  }
  if (body && !request.headOnly) socket.write(body);
  const raw = (await done).toString('latin1');
  // Skip interim 1xx answers (100 Continue) to the final one.
  let rest = raw;
  while (/^HTTP\/1\.1 1\d\d /.test(rest)) rest = rest.slice(rest.indexOf('\r\n\r\n') + 4);
  const split = rest.indexOf('\r\n\r\n');
  const [statusLine = '', ...headerLines] = rest.slice(0, split).split('\r\n');
  const parsed: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    parsed[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return {
    status: Number(statusLine.split(' ')[1]),
    headers: parsed,
    body: Buffer.from(rest.slice(split + 4), 'latin1').toString('utf8'),
    head: raw.slice(0, 64),
  };
}

/** Path and query of an upload URL: what rawHttp sends as the request-target. */
export function targetOf(uploadUrl: string): string {
  return uploadUrl.slice(uploadUrl.indexOf('/', uploadUrl.indexOf('//') + 2));
}

/** The environment that points fastup at this server (as a CI job would set it). */
export function clientEnv(server: Pick<DevServer, 'apiUrl' | 'apiKey' | 'workspace'>): Record<string, string> {
  return { FASTUP_API_URL: server.apiUrl, FASTUP_API_KEY: server.apiKey, FASTUP_WORKSPACE: server.workspace };
}
