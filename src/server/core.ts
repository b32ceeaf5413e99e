// Everything a request handler may touch, opened from the data dir in the
// order recovery needs: identity, kept settings, then the file store (which
// replays its journal and hands back the events still owed to webhooks).
import { mkdir, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Cors } from './cors.js';
import { Delivery, type DeliveryOptions } from './delivery.js';
import { Faults } from './faults.js';
import { isAtomicTemp } from './fs-util.js';
import { loadIdentity, type Identity } from './identity.js';
import { Locks } from './locks.js';
import { StateStore, type WebhookEndpoint } from './state-store.js';
import { Storage } from './storage.js';
import { Webhooks } from './webhooks.js';

export interface CoreOptions {
  dataDir: string;
  maxFileSize: number;
  apiKey?: string;
  workspace?: string;
  corsOrigins?: string[];
  webhookUrls?: string[];
  faults?: string[];
  delivery?: Pick<DeliveryOptions, 'backoffMs' | 'timeoutMs' | 'maxAttempts'>;
}

export interface ServerCore {
  identity: Identity;
  now: () => number;
  maxFileSize: number;
  store: StateStore;
  storage: Storage;
  locks: Locks;
  cors: Cors;
  webhooks: Webhooks;
  delivery: Delivery;
  faults: Faults;
  /** Endpoints made or kept for --webhook, with their secrets, to print at start. */
  preconfigured: WebhookEndpoint[];
}

export async function openCore(options: CoreOptions, now: () => number, log: (line: string) => void): Promise<ServerCore> {
  const faults = new Faults(options.faults);
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  // Half-written settings files a crash left; the complete ones beside them are intact.
  for (const name of await readdir(options.dataDir)) {
    if (isAtomicTemp(name)) await unlink(join(options.dataDir, name)).catch(() => {});
  }
  const identity = await loadIdentity(options.dataDir, { apiKey: options.apiKey, workspace: options.workspace });
  const store = await StateStore.open(options.dataDir);
  const cors = new Cors(store);
  await cors.addOrigins(options.corsOrigins ?? []);
  const webhooks = new Webhooks(store, now);
  await webhooks.sweep();
  const preconfigured: WebhookEndpoint[] = [];
  for (const url of options.webhookUrls ?? []) preconfigured.push(await webhooks.preconfigure(url));
  const { storage, pending } = await Storage.open(options.dataDir, identity.workspace, now);
  const delivery = new Delivery(webhooks, storage, { now, log, faults, ...options.delivery });
  for (const entry of pending) delivery.enqueue(entry);
  return {
    identity,
    now,
    maxFileSize: options.maxFileSize,
    store,
    storage,
    locks: new Locks(store, now),
    cors,
    webhooks,
    delivery,
    faults,
    preconfigured,
  };
}
