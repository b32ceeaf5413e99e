// The watch-webhooks session (SPEC 2): a listener, optionally a temporary
// endpoint (--register) and a relay to a local app (--forward-to), until
// --count events, --timeout or a signal. It prints nothing itself: the sink
// it is given (the command's) does.
import type { Dispatcher } from 'undici';
import type { ApiClient } from './api-client.js';
import type { Context } from './context.js';
import { ConfirmationError } from './errors.js';
import { formatDuration } from './units.js';
import { TemporaryEndpoint } from './webhook-endpoint.js';
import { wantsEvent, type WebhookEvent } from './webhook-event.js';
import { forwardDelivery, type ForwardResult } from './webhook-forward.js';
import { startWebhookListener, type ListenerReport, type VerifiedDelivery } from './webhook-listener.js';

export interface WatchOptions {
  host?: string;
  port: number;
  path: string;
  /** Required unless `register` is given (the endpoint brings its own). */
  secret?: string;
  toleranceSeconds: number;
  events: string[];
  register?: { client: ApiClient; publicUrl?: string; ttlSeconds: number };
  forwardTo?: { url: URL; dispatcher: Dispatcher };
  /** Stop after this many acknowledged events. */
  count?: number;
  timeoutSeconds?: number;
}

export interface WatchSink {
  ready(info: { urls: string[]; secret: string; endpoint?: { id: string; url: string } }): void;
  event(event: WebhookEvent): void;
  ignored(event: WebhookEvent): void;
  forwarded(event: WebhookEvent, result: ForwardResult): void;
  report(report: ListenerReport): void;
}

type Ending = 'count' | 'timeout' | 'signal';

export async function runWatch(ctx: Context, opts: WatchOptions, sink: WatchSink): Promise<{ verified: number }> {
  let verified = 0;
  /** Events printed (verified, wanted, first delivery), acknowledged or not. */
  let seen = 0;
  let end!: (how: Ending) => void;
  const ended = new Promise<Ending>((resolve) => (end = resolve));
  let endpoint: Promise<TemporaryEndpoint> | undefined;

  const onDelivery = async (delivery: VerifiedDelivery): Promise<number> => {
    const { event } = delivery;
    if (!wantsEvent(opts.events, event.type)) {
      sink.ignored(event);
      return 200;
    }
    if (!delivery.repeat) {
      seen++;
      sink.event(event);
    }
    let status = 200;
    if (opts.forwardTo) {
      const result = await forwardDelivery(opts.forwardTo.url, delivery, opts.forwardTo.dispatcher, ctx.now);
      sink.forwarded(event, result);
      status = result.status ?? 502;
    }
    // Counted once acknowledged; stop on the next turn, after this answer is on its way.
    if (status >= 200 && status < 300 && ++verified === opts.count) setImmediate(() => end('count'));
    return status;
  };

  const fixed = opts.secret;
  const listener = await startWebhookListener({
    host: opts.host,
    port: opts.port,
    path: opts.path,
    secrets: fixed !== undefined ? () => [fixed] : async () => (await (endpoint as Promise<TemporaryEndpoint>)).secrets(),
    toleranceSeconds: opts.toleranceSeconds,
    now: ctx.now,
    onDelivery,
    report: (report) => sink.report(report),
  });
  let closing: Promise<unknown> | undefined;
  const close = () => (closing ??= Promise.allSettled([endpoint?.then((e) => e.close()), listener.close()]));
  const removeCleanup = ctx.cleanups.add(close);
  const onAbort = () => end('signal');
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  if (ctx.signal.aborted) onAbort();
  const timer = opts.timeoutSeconds === undefined ? undefined : setTimeout(() => end('timeout'), opts.timeoutSeconds * 1000);

  try {
    let registered: { id: string; url: string } | undefined;
    if (opts.register) {
      const url = opts.register.publicUrl ?? listener.url;
      endpoint = TemporaryEndpoint.create(opts.register.client, { url, events: opts.events, ttlSeconds: opts.register.ttlSeconds, log: (line) => ctx.ui.info(line) });
      registered = { id: (await endpoint).id, url };
    }
    if (!ctx.signal.aborted) {
      const secret = fixed ?? ((await endpoint)?.secrets()[0] as string);
      sink.ready({ urls: listener.urls, secret, ...(registered ? { endpoint: registered } : {}) });
    }
    const how = await ended;
    if (how === 'signal') throw ctx.signal.reason;
    const goal = opts.count ?? 1;
    if (how === 'timeout' && verified < goal) {
      const after = `timed out after ${formatDuration((opts.timeoutSeconds ?? 0) * 1000)}`;
      // Verified and printed, but the app behind --forward-to never took them: say so, not "0 verified".
      if (opts.forwardTo && seen > verified) {
        throw new ConfirmationError(`${after}: ${verified} of ${goal} event(s) accepted by ${opts.forwardTo.url.host} (${seen - verified} verified but refused there or not answered)`, {
          code: 'WatchTimeout',
          hint: 'check that the app at --forward-to is running and answers 2xx; the sender retries what it refused',
        });
      }
      throw new ConfirmationError(`${after}: ${verified} of ${goal} event(s) verified`, {
        code: 'WatchTimeout',
        hint: 'raise --timeout, or check that the sender delivers to this listener with the right secret',
      });
    }
    return { verified };
  } finally {
    clearTimeout(timer);
    ctx.signal.removeEventListener('abort', onAbort);
    removeCleanup();
    await close();
  }
}
