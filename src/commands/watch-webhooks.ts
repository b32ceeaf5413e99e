// fastup watch-webhooks (SPEC 2): turns the raw flags into WatchOptions, finds
// the secret (flag > env > config, or a temporary endpoint's with --register)
// and prints what the watch reports: events on stdout (human lines, or each
// event body as one compact JSON line under --json), the rest on stderr.
import type { Context } from '../core/context.js';
import { createDispatcher, isLoopbackHost } from '../core/http.js';
import { DEFAULT_TOLERANCE_SECONDS } from '../core/webhook-signature.js';
import { ConfigError, UsageError } from '../core/errors.js';
import { parsePort } from '../core/listen-address.js';
import { redact } from '../core/redact.js';
import { formatBytes, formatDuration, parseCount, parseDuration, parsePositiveDuration } from '../core/units.js';
import { committedFile, type WebhookEvent } from '../core/webhook-event.js';
import { showReport } from '../core/webhook-report.js';
import type { WatchOptions, WatchSink } from '../core/webhook-watch.js';
import { tuneV8ForClient } from '../core/client-v8.js';

export interface WatchWebhooksFlags {
  host?: string;
  port?: string;
  path?: string;
  secret?: string;
  tolerance?: string;
  register?: boolean;
  publicUrl?: string;
  events?: string;
  forwardTo?: string;
  count?: string;
  timeout?: string;
}

function httpUrl(text: string, flag: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new UsageError(`invalid ${flag} '${text}': expected an http(s) URL`, { code: 'InvalidUrl' });
  }
  return url;
}

function parseFlags(flags: WatchWebhooksFlags): Omit<WatchOptions, 'secret' | 'register' | 'forwardTo'> {
  const path = flags.path ?? '/webhooks';
  if (!path.startsWith('/') || /[\s?#]/.test(path)) {
    throw new UsageError(`invalid --path '${path}'`, { code: 'InvalidPath', hint: 'a URL path such as /webhooks' });
  }
  const events = (flags.events ?? 'file.committed').split(',').map((e) => e.trim()).filter(Boolean);
  if (events.length === 0) throw new UsageError('--events names no event type', { hint: 'e.g. --events file.committed' });
  return {
    ...(flags.host === undefined ? {} : { host: flags.host }),
    port: flags.port === undefined ? 8787 : parsePort(flags.port),
    path,
    toleranceSeconds: flags.tolerance === undefined ? DEFAULT_TOLERANCE_SECONDS : parseDuration(flags.tolerance, '--tolerance'),
    events,
    ...(flags.count === undefined ? {} : { count: parseCount(flags.count, '--count', 1) }),
    ...(flags.timeout === undefined ? {} : { timeoutSeconds: parsePositiveDuration(flags.timeout, '--timeout') }),
  };
}

function eventLine(event: WebhookEvent): string {
  const file = committedFile(event);
  const id = event.id ?? '';
  if (!file) return `${event.type}  ${id}`;
  const size = file.sizeBytes < 1000 ? `${file.sizeBytes} byte${file.sizeBytes === 1 ? '' : 's'}` : `${formatBytes(file.sizeBytes)} (${file.sizeBytes} bytes)`;
  return `${event.type}  ${file.path}  ${size}  sha256 ${file.sha256}  ${id}`;
}

function sinkFor(ctx: Context, host: string | undefined): WatchSink {
  const { ui } = ctx;
  return {
    ready({ urls, secret, endpoint }) {
      ui.addSecret(secret);
      if (endpoint) ui.info(`registered temporary endpoint ${endpoint.id} -> ${endpoint.url} (deleted on exit)`);
      // The URL shows how to reach it from here; the bind address says who else can.
      const bound = host && !isLoopbackHost(host) ? `; bound to ${host}, reachable from other machines` : '';
      ui.info(`Ready: listening on ${urls.join(' and ')} (secret ${redact(secret)})${bound}; Ctrl-C to stop`);
    },
    event(event) {
      if (ui.json) ui.jsonLine(event);
      else ui.result(eventLine(event));
    },
    ignored: (event) => ui.debug(`acknowledged ${event.type} ${event.id ?? ''} (not in --events)`),
    forwarded(event, { status, error, durationMs }) {
      const what = `forward of ${event.id ?? event.type}`;
      if (status === undefined) ui.warn(`${what} failed: ${error}; answered the sender 502 so it retries`);
      else if (status >= 300) ui.warn(`${what}: the app answered ${status}; passed on to the sender, which retries`);
      else ui.info(`${what}: the app answered ${status} in ${formatDuration(durationMs)}`);
    },
    report: (report) => showReport(ui, report),
  };
}

export async function watchWebhooks(flags: WatchWebhooksFlags, ctx: Context): Promise<void> {
  tuneV8ForClient();
  const options: WatchOptions = parseFlags(flags);
  const publicUrl = flags.publicUrl === undefined ? undefined : httpUrl(flags.publicUrl, '--public-url').href;
  const forwardTo = flags.forwardTo === undefined ? undefined : httpUrl(flags.forwardTo, '--forward-to');
  const [{ loadSettings, openApiSession }, { assertReachable }, { runWatch }] = await Promise.all([
    import('../core/session.js'),
    import('../core/webhook-endpoint.js'),
    import('../core/webhook-watch.js'),
  ]);
  const settings = await loadSettings(ctx);
  const dispatcher = await createDispatcher();
  if (flags.register) {
    if (flags.secret !== undefined) ctx.ui.warn('--secret is ignored with --register: the temporary endpoint has its own secret');
    const session = await openApiSession(ctx, dispatcher, { retries: 2, settings });
    assertReachable(session.apiUrl, publicUrl, '--host/--port');
    // A killed watch leaves its endpoint for at most this long (renewed while the watch runs).
    const ttlSeconds = options.timeoutSeconds === undefined ? 3600 : options.timeoutSeconds + 60;
    options.register = { client: session.client, ttlSeconds, ...(publicUrl ? { publicUrl } : {}) };
  } else {
    if (publicUrl) ctx.ui.warn('--public-url is only used with --register');
    const secret = settings.get('webhook-secret', flags.secret);
    if (!secret) {
      throw new ConfigError('no webhook secret to verify deliveries with', {
        code: 'MissingWebhookSecret',
        hint: "pass --secret whsec_..., set FASTUP_WEBHOOK_SECRET, run 'fastup config set webhook-secret', or use --register",
      });
    }
    ctx.ui.addSecret(secret);
    options.secret = secret;
  }
  if (forwardTo) options.forwardTo = { url: forwardTo, dispatcher };
  try {
    await runWatch(ctx, options, sinkFor(ctx, flags.host));
  } finally {
    await dispatcher.close().catch(() => {});
  }
}
