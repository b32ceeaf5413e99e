// Delivery is at least once (SPEC 1.3): the same event id comes again whenever
// an answer was lost or not 2xx. This log remembers recent ids so a repeat is
// acknowledged without being reported twice, in bounded memory: at most `max`
// ids, oldest forgotten first, and long ids kept as their hash.
import { createHash } from 'node:crypto';

export type IdState = 'new' | 'seen' | 'acked';

const LONG_ID = 128;

export class EventIdLog {
  // Map keeps insertion order, so the first key is always the oldest.
  private readonly ids = new Map<string, boolean>();

  constructor(readonly max = 10_000) {}

  private key(id: string): string {
    return id.length <= LONG_ID ? id : `#${createHash('sha256').update(id).digest('hex')}`;
  }

  /** new: never met; seen: reported but not yet answered 2xx (retry it); acked: answered 2xx. */
  state(id: string): IdState {
    const acked = this.ids.get(this.key(id));
    return acked === undefined ? 'new' : acked ? 'acked' : 'seen';
  }

  markSeen(id: string): void {
    const key = this.key(id);
    if (!this.ids.has(key)) this.remember(key, false);
  }

  markAcked(id: string): void {
    const key = this.key(id);
    this.ids.delete(key);
    this.remember(key, true);
  }

  get size(): number {
    return this.ids.size;
  }

  private remember(key: string, acked: boolean): void {
    this.ids.set(key, acked);
    while (this.ids.size > this.max) {
      const oldest = this.ids.keys().next().value as string;
      this.ids.delete(oldest);
    }
  }
}
