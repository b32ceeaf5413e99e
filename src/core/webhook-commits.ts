// Matches verified file.committed events to the files `upload --wait` waits for
// (SPEC 2.1). Events are kept from the start, by path, because a delivery can
// beat the PUT's own answer (and so the waitFor call) to the client; memory
// stays bounded by keeping a few events per path and a capped number of paths.
import { ConfirmationError } from './errors.js';
import type { ExpectedCommit } from './confirmer.js';
import type { CommittedFile } from './webhook-event.js';

interface Waiter {
  expected: ExpectedCommit;
  resolve: () => void;
  reject: (err: Error) => void;
}

export const matches = (expected: ExpectedCommit, file: CommittedFile) =>
  file.sizeBytes === expected.sizeBytes && file.sha256 === expected.sha256.toLowerCase();

export function mismatchError(expected: ExpectedCommit, file: CommittedFile, source = 'the file.committed webhook'): ConfirmationError {
  return new ConfirmationError(
    `${expected.path}: ${source} reports ${file.sizeBytes} bytes, sha256 ${file.sha256}; fastup sent ${expected.sizeBytes} bytes, sha256 ${expected.sha256}`,
    { code: 'ConfirmationMismatch', hint: 'the stored file is not what was sent: upload it again (use --lock where others may write the same path)' },
  );
}

export class CommitMatcher {
  private readonly buffered = new Map<string, CommittedFile[]>();
  private readonly waiters = new Map<string, Set<Waiter>>();

  constructor(
    private readonly maxPaths = 10_000,
    private readonly perPath = 8,
  ) {}

  /** A verified file.committed arrived. */
  deliver(file: CommittedFile): void {
    const waiting = this.waiters.get(file.path);
    if (waiting && waiting.size > 0) {
      // Two uploads of one path in one run: the event settles the one it matches.
      const hits = [...waiting].filter((w) => matches(w.expected, file));
      for (const waiter of hits.length > 0 ? hits : [...waiting]) {
        waiting.delete(waiter);
        if (hits.length > 0) waiter.resolve();
        else waiter.reject(mismatchError(waiter.expected, file));
      }
      return;
    }
    const list = this.buffered.get(file.path) ?? [];
    this.buffered.delete(file.path); // re-insert: the newest path goes last, the oldest is evicted first
    list.push(file);
    if (list.length > this.perPath) list.shift();
    this.buffered.set(file.path, list);
    while (this.buffered.size > this.maxPaths) this.buffered.delete(this.buffered.keys().next().value as string);
  }

  /**
   * Settles on the matching delivery, already buffered or still to come; a
   * delivery for the path with another size or hash rejects at once. The
   * returned `cancel` forgets the waiter (timeout, Ctrl-C).
   */
  wait(expected: ExpectedCommit): { done: Promise<void>; cancel: () => void } {
    const earlier = this.buffered.get(expected.path);
    if (earlier && earlier.length > 0) {
      // A match wins over an older, different version of the same path.
      const hit = earlier.findIndex((file) => matches(expected, file));
      const file = hit === -1 ? (earlier.at(-1) as CommittedFile) : (earlier[hit] as CommittedFile);
      earlier.splice(hit === -1 ? earlier.length - 1 : hit, 1);
      if (earlier.length === 0) this.buffered.delete(expected.path);
      const done = hit === -1 ? Promise.reject(mismatchError(expected, file)) : Promise.resolve();
      return { done, cancel: () => {} };
    }
    let waiter!: Waiter;
    const done = new Promise<void>((resolve, reject) => {
      waiter = { expected, resolve, reject };
    });
    const set = this.waiters.get(expected.path) ?? new Set<Waiter>();
    set.add(waiter);
    this.waiters.set(expected.path, set);
    const cancel = () => {
      set.delete(waiter);
      if (set.size === 0 && this.waiters.get(expected.path) === set) this.waiters.delete(expected.path);
    };
    return { done, cancel };
  }
}
