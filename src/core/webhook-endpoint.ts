// A temporary webhook endpoint (SPEC 1.3 ttlSeconds, 2.1): created for one run,
// deleted on every way out, and with a TTL so a killed client leaves nothing
// behind for long. A run longer than the TTL renews it (new endpoint, new
// secret) before it lapses, keeping the old secret a little while for
// deliveries already signed with it.
import type { ApiClient } from './api-client.js';
import { isLoopbackHost } from './http.js';
import { UsageError } from './errors.js';

export interface EndpointOptions {
  url: string;
  events: string[];
  ttlSeconds: number;
  /** Renewal trouble and the like; never given the secret. */
  log?: (line: string) => void;
}

/** A remote API cannot reach a loopback listener: say how to give a public URL (SPEC 2.1). */
export function assertReachable(apiUrl: string, publicUrl: string | undefined, listenFlag: string): void {
  if (publicUrl !== undefined || isLoopbackHost(new URL(apiUrl).hostname)) return;
  throw new UsageError(`${new URL(apiUrl).host} cannot deliver webhooks to a listener on this machine's loopback`, {
    code: 'PublicUrlRequired',
    hint: `expose the listener (${listenFlag}) through a tunnel or a public host and pass its address with --public-url https://...`,
  });
}

/**
 * A copy of `client` that ignores Ctrl-C but gives up after `ms`: deleting the
 * endpoint must still work once ctx.signal has been aborted, and a create
 * request already sent must finish so its endpoint can be deleted.
 */
export function detachedClient(client: ApiClient, ms = 10_000): ApiClient {
  return client.withSignal(AbortSignal.timeout(ms));
}

export class TemporaryEndpoint {
  private current: { id: string; secret: string };
  private readonly retired: string[] = [];
  private renewal: NodeJS.Timeout | undefined;
  private renewing: Promise<void> | undefined;
  private closed: Promise<void> | undefined;

  private constructor(
    private readonly client: ApiClient,
    private readonly opts: EndpointOptions,
    first: { id: string; secret: string },
  ) {
    this.current = first;
    this.scheduleRenewal(opts.ttlSeconds * 800);
  }

  static async create(client: ApiClient, opts: EndpointOptions): Promise<TemporaryEndpoint> {
    const created = await detachedClient(client).createWebhook({ url: opts.url, events: opts.events, ttlSeconds: opts.ttlSeconds });
    return new TemporaryEndpoint(client, opts, { id: created.id, secret: created.secret });
  }

  get id(): string {
    return this.current.id;
  }

  /** The secret to verify with, plus recently retired ones. */
  secrets(): string[] {
    return [this.current.secret, ...this.retired];
  }

  private scheduleRenewal(ms: number): void {
    if (this.closed) return;
    this.renewal = setTimeout(() => {
      this.renewing = this.renew().finally(() => (this.renewing = undefined));
    }, Math.min(Math.max(ms, 5_000), 2 ** 31 - 1));
    this.renewal.unref();
  }

  private async renew(): Promise<void> {
    const api = detachedClient(this.client);
    let next: { id: string; secret: string };
    try {
      next = await api.createWebhook({ url: this.opts.url, events: this.opts.events, ttlSeconds: this.opts.ttlSeconds });
    } catch (err) {
      this.opts.log?.(`could not renew the temporary webhook endpoint: ${(err as Error).message}; trying again in 30 s`);
      this.scheduleRenewal(30_000);
      return;
    }
    const old = this.current;
    this.current = { id: next.id, secret: next.secret };
    this.retired.unshift(old.secret);
    setTimeout(() => {
      const at = this.retired.indexOf(old.secret);
      if (at !== -1) this.retired.splice(at, 1);
    }, 120_000).unref();
    this.scheduleRenewal(this.opts.ttlSeconds * 800);
    this.opts.log?.(`renewed the temporary webhook endpoint: ${old.id} -> ${next.id}`);
    await api.deleteWebhook(old.id).catch((err: unknown) => {
      this.opts.log?.(`could not delete the previous endpoint ${old.id} (its TTL will): ${(err as Error).message}`);
    });
  }

  /** Deletes the endpoint (after a renewal in flight, so neither is left); safe to call twice. */
  close(): Promise<void> {
    clearTimeout(this.renewal);
    return (this.closed ??= (async () => {
      await this.renewing;
      await detachedClient(this.client).deleteWebhook(this.current.id);
    })());
  }
}
