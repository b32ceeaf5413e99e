// SPEC 1.5: one lock per path, with a TTL, persisted with the workspace state.
import { ApiError } from './http-util.js';
import { randomId } from './fs-util.js';
import type { Lock, StateStore } from './state-store.js';

export class Locks {
  constructor(
    private readonly store: StateStore,
    private readonly now: () => number,
  ) {}

  /** The live lock on PATH, if any (expired locks are forgotten on the way). */
  active(path: string): Lock | undefined {
    const now = this.now();
    const live = this.store.state.locks.filter((l) => l.expiresAt > now);
    if (live.length !== this.store.state.locks.length) {
      this.store.state.locks = live;
      void this.store.save().catch(() => {});
    }
    return live.find((l) => l.path === path);
  }

  async acquire(path: string, ttlSeconds: number): Promise<Lock> {
    const held = this.active(path);
    if (held) throw lockedError(path);
    const lock: Lock = { lockId: randomId('lck_', 12), path, expiresAt: this.now() + ttlSeconds * 1000 };
    this.store.state.locks.push(lock);
    await this.store.save();
    return lock;
  }

  release(lockId: string): Promise<boolean> {
    return this.store.prune('locks', (l) => l.lockId !== lockId);
  }

  /**
   * Whether a write to PATH carrying LOCKID (or none) may go ahead:
   * an unlocked path takes any write, a locked one only its own lock's.
   */
  permits(path: string, lockId: string | undefined): boolean {
    const held = this.active(path);
    return !held || held.lockId === lockId;
  }
}

export function lockedError(path: string): ApiError {
  return new ApiError(409, 'Locked', `path ${path} is locked by another writer; retry when the lock is released`);
}
