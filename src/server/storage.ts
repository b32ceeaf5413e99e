// Committed files (SPEC 1.2 "visible whole or not at all, also after the
// server is killed at any moment", 1.4 status). Layout under the data dir:
//
//   tmp/<token>.part       bodies being received; wiped at start
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
import { mkdir, readdir, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir, isAtomicTemp, randomId, randomToken, readJsonFile, writeFileAtomic } from './fs-util.js';
import { KeyedMutex } from './keyed-mutex.js';

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

export class Storage {
  private readonly index = new Map<string, FileRecord>();
  private readonly mutex = new KeyedMutex();
  private lastSeq = 0;

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
    // Freeing a large superseded blob takes a while and nobody needs to wait
    // for it; one a crash leaves behind is collected at the next start.
    if (current) void unlink(this.blobPath(current.blob)).catch(() => {});
  }

  private async recover(): Promise<JournalEntry[]> {
    for (const dir of ['tmp', 'blobs', 'journal', 'files']) await mkdir(join(this.dataDir, dir), { recursive: true, mode: 0o700 });
    // Bodies that were being received when the last run ended were never committed.
    await rm(this.tmpDir, { recursive: true, force: true });
    await mkdir(this.tmpDir, { recursive: true, mode: 0o700 });

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
