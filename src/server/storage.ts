// Committed files (SPEC 1.2 "visible whole or not at all, also after the
// server is killed at any moment", 1.4 status). Layout under the data dir:
//
//   tmp/<token>.part       bodies being received; wiped at start
//   spare/<token>          large superseded blobs kept a little while for the
//                          next large body to overwrite in place; wiped at start
//   blobs/<token>          committed bytes, immutable once renamed here
//   journal/<seq>.json     one per commit: the file record AND its webhook event
//   files/<sha256(path)>.json  the current version of each path
//
// The commit point is the atomic creation of the journal entry, which holds
// both the new version and its file.committed event, so a commit and its event
// can never be separated by a crash (the journal doubles as the webhook outbox).
// files/ is derived from it and replayed at start. Storage names are hashes and
// random tokens: no user text ever becomes a file name.
import { createHash } from 'node:crypto';
import { mkdir, readdir, rename, rm, truncate, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir, isAtomicTemp, randomId, randomToken, readJsonFile, writeFileAtomic } from './fs-util.js';
import { KeyedMutex } from './keyed-mutex.js';

/** The folders kept across restarts (tmp/ and spare/ are wiped and made anew at every start). */
export const KEPT_FOLDERS = ['blobs', 'journal', 'files'] as const;

export interface FileStatus {
  path: string;
  sizeBytes: number;
  contentType: string;
  sha256: string;
  committedAt: string;
}

export interface FileRecord extends FileStatus {
  blob: string;
  seq: number;
}

export interface JournalEntry {
  seq: number;
  file: FileRecord;
  event: { id: string; body: string };
  /** Webhook endpoint ids that wanted the event when it was committed. */
  targets: string[];
}

export interface NewVersion {
  tempPath: string;
  path: string;
  sizeBytes: number;
  contentType: string;
  sha256: string;
}

const SEQ_DIGITS = 16;

// Recycling superseded blobs. Writing a large body into fresh page cache (and,
// on a file system mounted with `discard`, onto blocks just freed and trimmed)
// is what made repeated 1 GiB uploads slow: on a VM, memory the guest has not
// touched lately costs a host fault per page, several times the copy itself,
// and freeing a 1 GiB blob hands its warm pages to whoever writes next. So a
// large superseded blob is not unlinked but renamed into spare/, and the next
// large body is written over it in place (its pages are cached and warm, its
// blocks allocated). A spare is no longer part of any version (it is retired
// only after its successor is durable), lives in its own folder wiped at
// start, and is unlinked when unused for a while or when the server stops.
const SPARE_MIN_BYTES = 16 * 1024 * 1024;
const SPARES_MAX = 2;
const SPARE_IDLE_MS = 30_000;

interface Spare {
  path: string;
  timer: NodeJS.Timeout;
}

export interface TempFile {
  path: string;
  /** An existing file (a spare) of exactly the body's size, to be overwritten in place. */
  reuse: boolean;
}

export class Storage {
  private readonly index = new Map<string, FileRecord>();
  private readonly mutex = new KeyedMutex();
  private lastSeq = 0;
  private readonly spares: Spare[] = [];
  private recovering = false;

  private constructor(
    private readonly dataDir: string,
    private readonly workspace: string,
    private readonly now: () => number,
  ) {}

  /** Opens the store, finishing what a crash interrupted; returns it and the events still to deliver. */
  static async open(dataDir: string, workspace: string, now: () => number): Promise<{ storage: Storage; pending: JournalEntry[] }> {
    const storage = new Storage(dataDir, workspace, now);
    const pending = await storage.recover();
    return { storage, pending };
  }

  get tmpDir(): string {
    return join(this.dataDir, 'tmp');
  }

  newTempPath(): string {
    return join(this.tmpDir, `${randomToken(12)}.part`);
  }

  private get spareDir(): string {
    return join(this.dataDir, 'spare');
  }

  /** Where to receive a body of SIZEBYTES: a spare to overwrite when one is kept and the body is large, else a new file. */
  async takeTempFile(sizeBytes: number): Promise<TempFile> {
    const path = this.newTempPath();
    const spare = sizeBytes >= SPARE_MIN_BYTES ? this.spares.pop() : undefined;
    if (spare) {
      clearTimeout(spare.timer);
      try {
        await rename(spare.path, path);
        // The whole range is overwritten before a commit; the size is right from the start.
        await truncate(path, sizeBytes);
        return { path, reuse: true };
      } catch {
        await unlink(path).catch(() => {});
        void unlink(spare.path).catch(() => {});
      }
    }
    return { path, reuse: false };
  }

  /** Frees the spares (the server is stopping). */
  async close(): Promise<void> {
    const spares = this.spares.splice(0);
    for (const spare of spares) clearTimeout(spare.timer);
    await Promise.all(spares.map((spare) => unlink(spare.path).catch(() => {})));
  }

  /** A superseded blob: kept as a spare when large and there is room, else unlinked off the hot path. */
  private async retire(record: FileRecord): Promise<void> {
    const from = this.blobPath(record.blob);
    if (this.recovering || record.sizeBytes < SPARE_MIN_BYTES) {
      // Unlinked off the hot path: nobody needs to wait for it, and one a
      // crash leaves behind is collected at the next start.
      void unlink(from).catch(() => {});
      return;
    }
    const path = join(this.spareDir, randomToken(12));
    try {
      await rename(from, path);
    } catch {
      void unlink(from).catch(() => {});
      return;
    }
    const spare: Spare = { path, timer: setTimeout(() => this.dropSpare(spare), SPARE_IDLE_MS).unref() };
    this.spares.push(spare);
    // Spares come one at a time: at most one too many.
    if (this.spares.length > SPARES_MAX) this.dropSpare(this.spares[0] as Spare);
  }

  /** Forgets a spare and unlinks it off the hot path. */
  private dropSpare(spare: Spare): void {
    const at = this.spares.indexOf(spare);
    if (at >= 0) this.spares.splice(at, 1);
    clearTimeout(spare.timer);
    void unlink(spare.path).catch(() => {});
  }

  status(path: string): FileStatus | undefined {
    const record = this.index.get(path);
    if (!record) return undefined;
    const { path: p, sizeBytes, contentType, sha256, committedAt } = record;
    return { path: p, sizeBytes, contentType, sha256, committedAt };
  }

  /**
   * Publishes a fully received, fsynced temp file as the newest version of its
   * path. Resolves once the version and its event are durable and visible.
   */
  async commit(version: NewVersion, targets: string[]): Promise<JournalEntry> {
    const blob = randomToken(16);
    await rename(version.tempPath, this.blobPath(blob));
    await fsyncDir(join(this.dataDir, 'blobs'));
    return this.mutex.run(version.path, async () => {
      const seq = ++this.lastSeq;
      const committedAt = new Date(this.now()).toISOString();
      const file: FileRecord = {
        path: version.path,
        sizeBytes: version.sizeBytes,
        contentType: version.contentType,
        sha256: version.sha256,
        committedAt,
        blob,
        seq,
      };
      const id = randomId('evt_', 16);
      const body = JSON.stringify({
        id,
        type: 'file.committed',
        createdAt: committedAt,
        data: {
          workspace_id: this.workspace,
          path: file.path,
          sizeBytes: file.sizeBytes,
          contentType: file.contentType,
          sha256: file.sha256,
        },
      });
      const entry: JournalEntry = { seq, file, event: { id, body }, targets };
      try {
        await writeFileAtomic(this.journalPath(seq), JSON.stringify(entry));
      } catch (err) {
        await unlink(this.blobPath(blob)).catch(() => {});
        throw err;
      }
      await this.apply(file);
      if (targets.length === 0) await this.settle(seq);
      return entry;
    });
  }

  /** The event of journal entry SEQ went everywhere it had to go: drop the entry. */
  async settle(seq: number): Promise<void> {
    await unlink(this.journalPath(seq)).catch(() => {});
  }

  private async apply(file: FileRecord): Promise<void> {
    const current = this.index.get(file.path);
    if (current && current.seq >= file.seq) {
      if (current.seq > file.seq) await unlink(this.blobPath(file.blob)).catch(() => {});
      return;
    }
    await writeFileAtomic(this.filePath(file.path), JSON.stringify(file));
    this.index.set(file.path, file);
    if (current) await this.retire(current);
  }

  private async recover(): Promise<JournalEntry[]> {
    this.recovering = true;
    try {
      return await this.replay();
    } finally {
      this.recovering = false;
    }
  }

  private async replay(): Promise<JournalEntry[]> {
    // tmp/ and spare/ are wiped and made again just below.
    for (const dir of KEPT_FOLDERS) await mkdir(join(this.dataDir, dir), { recursive: true, mode: 0o700 });
    // Bodies that were being received when the last run ended were never committed;
    // spares belong to no version.
    for (const dir of [this.tmpDir, this.spareDir]) {
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true, mode: 0o700 });
    }

    for (const name of await readdir(join(this.dataDir, 'files'))) {
      const full = join(this.dataDir, 'files', name);
      if (isAtomicTemp(name)) {
        await unlink(full).catch(() => {});
        continue;
      }
      const record = await readJsonFile<FileRecord>(full);
      if (!record) continue;
      this.index.set(record.path, record);
      this.lastSeq = Math.max(this.lastSeq, record.seq);
    }

    const pending: JournalEntry[] = [];
    for (const name of (await readdir(join(this.dataDir, 'journal'))).sort()) {
      const full = join(this.dataDir, 'journal', name);
      const entry = isAtomicTemp(name) ? undefined : await readJsonFile<JournalEntry>(full);
      if (!entry) {
        // A journal temp file is a commit that never happened.
        await unlink(full).catch(() => {});
        continue;
      }
      this.lastSeq = Math.max(this.lastSeq, entry.seq);
      await this.apply(entry.file);
      if (entry.targets.length > 0) pending.push(entry);
      else await this.settle(entry.seq);
    }

    // Bytes renamed into blobs/ whose commit never happened, or superseded ones a crash left.
    const live = new Set([...this.index.values()].map((r) => r.blob));
    for (const name of await readdir(join(this.dataDir, 'blobs'))) {
      if (!live.has(name)) await unlink(join(this.dataDir, 'blobs', name)).catch(() => {});
    }
    return pending;
  }

  private blobPath(blob: string): string {
    return join(this.dataDir, 'blobs', blob);
  }

  private journalPath(seq: number): string {
    return join(this.dataDir, 'journal', `${String(seq).padStart(SEQ_DIGITS, '0')}.json`);
  }

  private filePath(path: string): string {
    return join(this.dataDir, 'files', `${createHash('sha256').update(path, 'utf8').digest('hex')}.json`);
  }
}
