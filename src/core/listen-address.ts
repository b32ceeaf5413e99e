// Where a webhook listener binds (SPEC 2 watch-webhooks, issue 5 item 4):
// loopback unless told otherwise, and on both 127.0.0.1 and ::1 with one port,
// so a delivery to `localhost` arrives whichever address the sender resolves.
import type { Server } from 'node:http';
import { UsageError } from './errors.js';
import { parseCount } from './units.js';

export interface ListenAddress {
  host: string | undefined;
  port: number;
}

export function parsePort(text: string, flag = '--port'): number {
  return parseCount(text, flag, 0, 65535);
}

/** `--listen HOST:PORT`: `127.0.0.1:0`, `[::1]:8787`, `localhost:9000`. */
export function parseListen(text: string, flag = '--listen'): ListenAddress {
  const m = /^(?:\[([^\]]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(text.trim());
  if (!m) {
    throw new UsageError(`invalid ${flag} '${text}'`, { code: 'InvalidListen', hint: 'use HOST:PORT, e.g. 127.0.0.1:8787 or [::1]:0' });
  }
  return { host: m[1] ?? m[2], port: parsePort(m[3] as string, flag) };
}

/** The loopback pair for no host or `localhost`; the given address otherwise. */
export function bindHosts(host: string | undefined): { required: string; optional?: string } {
  if (host === undefined || host === '' || host.toLowerCase() === 'localhost') return { required: '127.0.0.1', optional: '::1' };
  return { required: host.replace(/^\[|\]$/g, '') };
}

/** The host to put in a URL: a wildcard bind is reached through loopback. */
export function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function listenOnce(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

function codeOf(err: unknown): string | undefined {
  return (err as { code?: string } | undefined)?.code;
}

function listenError(err: unknown, host: string, port: number, flag: string): unknown {
  const where = `${urlHost(host)}:${port}`;
  switch (codeOf(err)) {
    case 'EADDRINUSE':
      return new UsageError(`cannot listen on ${where}: the port is already in use`, {
        code: 'PortInUse',
        hint: `stop what uses it, or choose another port with ${flag} (0 picks a free one)`,
      });
    case 'EACCES':
      return new UsageError(`not allowed to listen on ${where}`, { code: 'PortNotAllowed', hint: `ports below 1024 need privileges: choose another with ${flag}` });
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new UsageError(`cannot listen on ${where}: not an address of this machine`, { code: 'BadListenHost', hint: 'use 127.0.0.1, ::1, localhost or an address of this machine' });
    default:
      return err;
  }
}

/**
 * Binds `make()` servers on every address for `host`, all on one port. A port
 * 0 free on 127.0.0.1 may be taken on ::1: then try another. ::1 is skipped
 * on machines without IPv6.
 */
export async function listenAll(make: () => Server, host: string | undefined, port: number, flag = '--port'): Promise<{ servers: Server[]; port: number }> {
  const { required, optional } = bindHosts(host);
  for (let attempt = 0; ; attempt++) {
    const first = make();
    const bound = await listenOnce(first, required, port).catch((err: unknown) => {
      throw listenError(err, required, port, flag);
    });
    if (!optional) return { servers: [first], port: bound };
    const second = make();
    try {
      await listenOnce(second, optional, bound);
      return { servers: [first, second], port: bound };
    } catch (err) {
      const code = codeOf(err);
      if (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT') return { servers: [first], port: bound };
      await new Promise((resolve) => first.close(resolve));
      if (port === 0 && code === 'EADDRINUSE' && attempt < 5) continue;
      throw listenError(err, optional, bound, flag);
    }
  }
}
