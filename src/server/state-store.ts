// Workspace settings that must survive a restart: CORS, locks, webhook
// endpoints. Small, so one JSON file rewritten atomically on each change;
// writes are chained so a slower earlier write never lands after a later one.
import { join } from 'node:path';
import { readJsonFile, writeFileAtomic } from './fs-util.js';

export interface Lock {
  lockId: string;
  path: string;
  /** Epoch ms. */
  expiresAt: number;
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  events: string[];
  secret: string;
  createdAt: string;
  /** Epoch ms; temporary endpoints (ttlSeconds) only. */
  expiresAt?: number;
  /** Created by --webhook at start: reused by the next start with the same URL. */
  preconfigured?: boolean;
}

export interface CorsConfig {
  allowedOrigins: string[];
  maxAgeSeconds: number;
}

export interface PersistedState {
  cors: CorsConfig;
  locks: Lock[];
  webhooks: WebhookEndpoint[];
}

const FILE = 'state.json';

export class StateStore {
  private chain: Promise<void> = Promise.resolve();

  private constructor(
    private readonly path: string,
    readonly state: PersistedState,
  ) {}

  static async open(dataDir: string): Promise<StateStore> {
    const path = join(dataDir, FILE);
    const stored = await readJsonFile<Partial<PersistedState>>(path);
    return new StateStore(path, {
      cors: {
        allowedOrigins: stored?.cors?.allowedOrigins ?? [],
        maxAgeSeconds: stored?.cors?.maxAgeSeconds ?? 600,
      },
      locks: stored?.locks ?? [],
      webhooks: stored?.webhooks ?? [],
    });
  }

  /** Removes the items of a list that `keep` rejects; saves (and answers true) only if any went. */
  async prune<K extends 'locks' | 'webhooks'>(key: K, keep: (item: PersistedState[K][number]) => boolean): Promise<boolean> {
    const before = this.state[key] as PersistedState[K][number][];
    const after = before.filter(keep);
    if (after.length === before.length) return false;
    (this.state[key] as PersistedState[K][number][]) = after;
    await this.save();
    return true;
  }

  /** Persists the state as it is when this write runs; resolves once it is on disk. */
  save(): Promise<void> {
    const run = this.chain.then(() => writeFileAtomic(this.path, `${JSON.stringify(this.state, null, 2)}\n`));
    this.chain = run.catch(() => {});
    return run;
  }
}
