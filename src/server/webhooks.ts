// SPEC 1.3 endpoints: create (with a fresh whsec_ secret), list (no secrets),
// delete, and temporary ones (ttlSeconds) that the server removes on its own.
import { randomId } from './fs-util.js';
import type { StateStore, WebhookEndpoint } from './state-store.js';
import { invalid, optionalInteger, requireHttpUrl } from './validate.js';

export const EVENT_TYPES = ['file.committed'] as const;
const MAX_TTL_SECONDS = 30 * 24 * 3600;

export interface PublicEndpoint {
  id: string;
  url: string;
  events: string[];
  createdAt: string;
  expiresAt?: string;
}

export class Webhooks {
  constructor(
    private readonly store: StateStore,
    private readonly now: () => number,
  ) {}

  get(id: string): WebhookEndpoint | undefined {
    const endpoint = this.store.state.webhooks.find((w) => w.id === id);
    return endpoint && !this.expired(endpoint) ? endpoint : undefined;
  }

  list(): PublicEndpoint[] {
    return this.store.state.webhooks.filter((w) => !this.expired(w)).map(toPublic);
  }

  /** Ids of the live endpoints that want events of TYPE. */
  targetsFor(type: string): string[] {
    return this.store.state.webhooks
      .filter((w) => !this.expired(w) && (w.events.includes(type) || w.events.includes('*')))
      .map((w) => w.id);
  }

  async create(body: Record<string, unknown>, extra: Pick<WebhookEndpoint, 'preconfigured'> = {}): Promise<WebhookEndpoint> {
    const url = requireHttpUrl(body, 'url');
    const events = parseEvents(body.events);
    const ttlSeconds = optionalInteger(body, 'ttlSeconds', 1, MAX_TTL_SECONDS);
    const endpoint: WebhookEndpoint = {
      id: randomId('wh_', 12),
      url,
      events,
      secret: randomId('whsec_', 24),
      createdAt: new Date(this.now()).toISOString(),
      ...(ttlSeconds !== undefined ? { expiresAt: this.now() + ttlSeconds * 1000 } : {}),
      ...extra,
    };
    this.store.state.webhooks.push(endpoint);
    await this.store.save();
    return endpoint;
  }

  /** --webhook URL: the endpoint a previous start made for URL, or a new one. */
  async preconfigure(url: string): Promise<WebhookEndpoint> {
    // One save, with the flag in it: a crash cannot leave an unflagged copy to duplicate at the next start.
    return this.store.state.webhooks.find((w) => w.preconfigured && w.url === url) ?? this.create({ url }, { preconfigured: true });
  }

  remove(id: string): Promise<boolean> {
    return this.store.prune('webhooks', (w) => w.id !== id);
  }

  /** Deletes expired temporary endpoints. */
  async sweep(): Promise<void> {
    await this.store.prune('webhooks', (w) => !this.expired(w));
  }

  private expired(endpoint: WebhookEndpoint): boolean {
    return endpoint.expiresAt !== undefined && endpoint.expiresAt <= this.now();
  }
}

function parseEvents(value: unknown): string[] {
  if (value === undefined || value === null) return ['file.committed'];
  if (!Array.isArray(value) || value.length === 0) throw invalid('events', 'must be a non-empty array of event types');
  const known: readonly string[] = [...EVENT_TYPES, '*'];
  for (const item of value) {
    if (typeof item !== 'string' || !known.includes(item)) {
      throw invalid('events', `${JSON.stringify(item)} is not an event type; known: ${EVENT_TYPES.join(', ')}`);
    }
  }
  return [...new Set(value as string[])];
}

export function toPublic(endpoint: WebhookEndpoint): PublicEndpoint {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: endpoint.events,
    createdAt: endpoint.createdAt,
    ...(endpoint.expiresAt !== undefined ? { expiresAt: new Date(endpoint.expiresAt).toISOString() } : {}),
  };
}
