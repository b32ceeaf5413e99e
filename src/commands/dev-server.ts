// `fastup dev-server`: normalizes the options, starts the server core
// (src/server/) and prints where it listens, then runs until Ctrl-C/SIGTERM.
import { resolve } from 'node:path';
import envPaths from 'env-paths';
import { ConfigStore } from '../core/config-store.js';
import type { Context } from '../core/context.js';
import { UsageError } from '../core/errors.js';
import { parseCount, parseSize } from '../core/units.js';
import { normalizeOrigin } from '../server/cors.js';
import { checkDataDir } from '../server/data-dir.js';
import { httpUrlProblem } from '../server/validate.js';
import { parseFault } from '../server/faults.js';
import { startServer, type RequestLog, type ServerOptions } from '../server/server.js';

export interface DevServerOptions {
  dataDir?: string;
  host?: string;
  port?: string;
  maxFileSize?: string;
  corsOrigin?: string[];
  webhook?: string[];
  /** false with --no-profile. */
  profile?: boolean;
  fault?: string[];
}

const DEFAULT_PORT = 8420;
const DEFAULT_MAX_FILE_SIZE = 1024 ** 3;

function dataDirFlag(dir: string | undefined): string | undefined {
  // resolve('') is the current folder: an empty flag (an unset variable) must not mean that.
  if (dir !== undefined && dir.trim() === '') throw new UsageError('--data-dir is empty', { hint: 'give a folder, e.g. --data-dir ./.fastio' });
  return dir;
}

function serverOptions(opts: DevServerOptions, ctx: Context): ServerOptions {
  const corsOrigins = (opts.corsOrigin ?? []).map((o) => {
    const origin = normalizeOrigin(o);
    if (!origin) throw new UsageError(`invalid --cors-origin '${o}'`, { hint: 'give an origin such as http://localhost:3000' });
    return origin;
  });
  for (const url of opts.webhook ?? []) {
    // The same rule the webhooks API applies, so a bad flag is exit 2 here, not a failure at start.
    const problem = httpUrlProblem(url);
    if (problem) throw new UsageError(`invalid --webhook '${url}': ${problem}`, { hint: 'give an http:// or https:// URL' });
  }
  for (const spec of opts.fault ?? []) parseFault(spec);
  return {
    dataDir: resolve(ctx.cwd, dataDirFlag(opts.dataDir) ?? envPaths('fastup', { suffix: '' }).data),
    host: opts.host ?? '127.0.0.1',
    port: opts.port === undefined ? DEFAULT_PORT : parseCount(opts.port, '--port', 0, 65535),
    maxFileSize: opts.maxFileSize === undefined ? DEFAULT_MAX_FILE_SIZE : parseSize(opts.maxFileSize, '--max-file-size'),
    // Only the flags: the dev-server names its own key and workspace, FASTUP_* is for clients.
    apiKey: ctx.globals.apiKey,
    workspace: ctx.globals.workspace,
    corsOrigins,
    webhookUrls: opts.webhook ?? [],
    faults: opts.fault ?? [],
  };
}

function listenError(err: unknown, options: ServerOptions): unknown {
  const code = (err as NodeJS.ErrnoException)?.code;
  const where = `${options.host}:${options.port}`;
  if (code === 'EADDRINUSE') {
    return new UsageError(`cannot listen on ${where}: the port is in use`, {
      code: 'PortInUse',
      hint: 'stop the other server, or choose another port with --port (0 = any free port)',
    });
  }
  if (code === 'EACCES' || code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new UsageError(`cannot listen on ${where}: ${(err as Error).message}`, { code: 'CannotListen', hint: 'check --host and --port' });
  }
  return err;
}

export async function devServer(opts: DevServerOptions, ctx: Context): Promise<void> {
  const options = serverOptions(opts, ctx);
  await checkDataDir(options.dataDir);
  if (options.faults?.length) {
    ctx.stderr.write(`warning: TESTING ONLY: fault injection is on (${options.faults.join(' ')}); this server fails on purpose\n`);
  }
  const logRequest = (e: RequestLog): void =>
    ctx.ui.info(ctx.ui.json ? JSON.stringify(e) : `${e.method} ${e.path} ${e.status} ${e.ms}ms`);
  const logEvent = (line: string): void => ctx.ui.info(ctx.ui.json ? JSON.stringify({ event: line }) : line);
  const server = await startServer(options, { now: ctx.now, logRequest, logEvent }).catch((err: unknown) => {
    throw listenError(err, options);
  });

  const { apiKey, workspace } = server.core.identity;
  const webhooks = server.core.preconfigured.map((w) => ({ id: w.id, url: w.url, secret: w.secret }));
  // Written straight to stdout: the key this server issues is printed once, on purpose (SPEC 2.2).
  if (ctx.globals.json) {
    ctx.stdout.write(`${JSON.stringify({ apiUrl: server.url, apiKey, workspace, dataDir: options.dataDir, webhooks })}\n`);
  } else {
    const lines = [
      `fastup dev-server listening on ${server.url}`,
      `  api-url    ${server.url}`,
      `  api-key    ${apiKey}`,
      `  workspace  ${workspace}`,
      `  data-dir   ${options.dataDir}`,
      ...webhooks.map((w) => `  webhook    ${w.url}  secret ${w.secret}`),
    ];
    ctx.stdout.write(`${lines.join('\n')}\n`);
  }
  if (opts.profile !== false) {
    try {
      const store = await ConfigStore.open(ctx.env);
      store.merge('local', { 'api-url': server.url, 'api-key': apiKey, workspace });
      ctx.ui.info(ctx.ui.json ? JSON.stringify({ event: 'saved as config profile "local"' }) : '  saved as profile "local": use --profile local');
    } catch (err) {
      ctx.ui.warn(`could not save the profile "local": ${(err as Error).message}`);
    }
  }
  await new Promise<void>((done) => {
    if (ctx.signal.aborted) done();
    else ctx.signal.addEventListener('abort', () => done(), { once: true });
  });
  await server.close();
}
