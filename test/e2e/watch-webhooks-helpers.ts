// Shared by the watch-webhooks and upload --wait e2e tests: runs the built
// `fastup watch-webhooks` until its ready line names the port, and signs
// deliveries the way Fastio does (SPEC 1.3).
import type { ResultPromise } from 'execa';
import { signatureHeader } from '../../src/core/webhook-signature.js';
import { fastup, type Sandbox } from '../helpers/fastup.js';

export interface Watch {
  child: ResultPromise;
  port: number;
  /** The first URL of the ready line, e.g. http://127.0.0.1:PORT/webhooks. */
  url: string;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout or stderr matches. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

export async function startWatch(sandbox: Sandbox, args: string[], env: Record<string, string> = {}): Promise<Watch> {
  const child = fastup(['watch-webhooks', ...args], { sandbox, env, buffer: false, stdin: 'ignore' }) as unknown as ResultPromise;
  const text = { stdout: '', stderr: '' };
  const listeners = new Set<() => void>();
  for (const name of ['stdout', 'stderr'] as const) {
    child[name]?.setEncoding('utf8');
    child[name]?.on('data', (chunk: string) => {
      text[name] += chunk;
      for (const l of [...listeners]) l();
    });
  }
  let exited = false;
  void Promise.resolve(child).then(
    () => (exited = true),
    () => (exited = true),
  );
  const waitFor = (stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs = 15_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const m = text[stream].match(pattern);
        if (m) done(() => resolve(m));
        else if (exited) done(() => reject(new Error(`exited before ${stream} matched ${pattern}; stderr:\n${text.stderr}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`${stream} did not match ${pattern}; stderr:\n${text.stderr}`))), timeoutMs);
      const done = (fn: () => void) => {
        clearTimeout(timer);
        listeners.delete(check);
        fn();
      };
      listeners.add(check);
      void Promise.resolve(child).finally(() => setImmediate(check));
      check();
    });
  const ready = await waitFor('stderr', /Ready: listening on (http:\/\/127\.0\.0\.1:(\d+)\S*)/);
  return {
    child,
    port: Number(ready[2]),
    url: ready[1] as string,
    stdout: () => text.stdout,
    stderr: () => text.stderr,
    waitFor,
  };
}

export interface SendOptions {
  /** Unix seconds for t=; default now. */
  t?: number;
  /** Sign this instead of the body sent (tampering, re-serialization). */
  signed?: string | Buffer;
  /** The whole header, instead of a computed one. */
  header?: string;
}

/** POSTs `body` signed with `secret`; returns the listener's status. */
export async function send(url: string, secret: string, body: string | Buffer, opts: SendOptions = {}): Promise<number> {
  const t = opts.t ?? Math.floor(Date.now() / 1000);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'fastio-signature': opts.header ?? signatureHeader(secret, t, opts.signed ?? body) },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

export function committedEvent(id: string, data: Record<string, unknown> = {}): string {
  return JSON.stringify({
    id,
    type: 'file.committed',
    createdAt: '2026-12-03T10:00:00.000Z',
    data: { workspace_id: 'ws_test', path: `/uploads/${id}.bin`, sizeBytes: 1234, contentType: 'application/octet-stream', sha256: 'ab'.repeat(32), ...data },
  });
}
