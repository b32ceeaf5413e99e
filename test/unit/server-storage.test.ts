// The file store's crash recovery, driven in-process by leaving on disk what a
// kill -9 at each step of a commit would leave.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Storage } from '../../src/server/storage.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const now = (): number => Date.parse('2026-01-01T00:00:00Z');

async function fresh() {
  const dir = mkdtempSync(join(tmpdir(), 'fastup-storage-'));
  dirs.push(dir);
  return { dir, ...(await Storage.open(dir, 'ws_test', now)) };
}

async function commit(storage: Storage, path: string, text: string, targets: string[] = []) {
  const tempPath = storage.newTempPath();
  writeFileSync(tempPath, text);
  return storage.commit({ tempPath, path, sizeBytes: text.length, contentType: 'text/plain', sha256: sha256(text) }, targets);
}

describe('Storage', () => {
  it('publishes a commit and finds it again after reopening', async () => {
    const { dir, storage } = await fresh();
    const entry = await commit(storage, '/a.txt', 'one');
    expect(storage.status('/a.txt')).toEqual({ path: '/a.txt', sizeBytes: 3, contentType: 'text/plain', sha256: sha256('one'), committedAt: '2026-01-01T00:00:00.000Z' });
    expect(JSON.parse(entry.event.body)).toMatchObject({ type: 'file.committed', data: { workspace_id: 'ws_test', path: '/a.txt' } });
    const { storage: again, pending } = await Storage.open(dir, 'ws_test', now);
    expect(again.status('/a.txt')?.sha256).toBe(sha256('one'));
    expect(pending).toEqual([]);
    expect(readdirSync(join(dir, 'journal'))).toEqual([]);
  });

  it('replays a journal entry whose file record a crash never wrote, and hands back its event', async () => {
    const { dir, storage } = await fresh();
    await commit(storage, '/b.txt', 'old');
    const entry = await commit(storage, '/b.txt', 'new', ['wh_1']);
    // Crash between the journal write and publishing: put the old record back.
    const [record] = readdirSync(join(dir, 'files'));
    const stale = { ...entry.file, seq: entry.seq - 1, sha256: sha256('old'), blob: 'gone' };
    writeFileSync(join(dir, 'files', record!), JSON.stringify(stale));
    const { storage: again, pending } = await Storage.open(dir, 'ws_test', now);
    expect(again.status('/b.txt')?.sha256).toBe(sha256('new'));
    expect(pending.map((p) => p.event.id)).toEqual([entry.event.id]);
  });

  it('never lets an older commit win over a newer one, whatever order they are applied in', async () => {
    const { dir, storage } = await fresh();
    const results = await Promise.all(['1', '2', '3', '4', '5'].map((t) => commit(storage, '/c.txt', t, ['wh'])));
    const newest = results.reduce((a, b) => (a.seq > b.seq ? a : b));
    expect(storage.status('/c.txt')?.sha256).toBe(newest.file.sha256);
    // Replaying all entries (oldest first, as at start) keeps the newest.
    const { storage: again, pending } = await Storage.open(dir, 'ws_test', now);
    expect(pending).toHaveLength(5);
    expect(again.status('/c.txt')?.sha256).toBe(newest.file.sha256);
    expect(readdirSync(join(dir, 'blobs'))).toHaveLength(1);
  });

  it('wipes temp files, torn journal temps and orphan blobs at start', async () => {
    const { dir, storage } = await fresh();
    await commit(storage, '/d.txt', 'kept');
    writeFileSync(storage.newTempPath(), 'half an upload');
    writeFileSync(join(dir, 'blobs', 'orphan'), 'renamed but never committed');
    writeFileSync(join(dir, 'journal', '.0000000000000009.json.abc.tmp'), '{"seq": 9, "fi');
    writeFileSync(join(dir, 'files', '.x.json.abc.tmp'), '{');
    await Storage.open(dir, 'ws_test', now);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
    expect(readdirSync(join(dir, 'blobs'))).toHaveLength(1);
    expect(readdirSync(join(dir, 'journal'))).toEqual([]);
    expect(readdirSync(join(dir, 'files'))).toHaveLength(1);
  });

  it('keeps a large superseded blob as a spare for the next large body, and never across a restart or a stop', async () => {
    const { dir, storage } = await fresh();
    const big = (fill: string) => fill.repeat(16 * 1024 * 1024);
    await commit(storage, '/big.bin', big('a'));
    await commit(storage, '/big.bin', big('b'));
    expect(readdirSync(join(dir, 'spare'))).toHaveLength(1);
    expect(readdirSync(join(dir, 'blobs'))).toHaveLength(1);
    // Small bodies never take a spare; a large one gets it sized to the body.
    expect((await storage.takeTempFile(1024)).reuse).toBe(false);
    const temp = await storage.takeTempFile(16 * 1024 * 1024 + 5);
    expect(temp.reuse).toBe(true);
    expect(statSync(temp.path).size).toBe(16 * 1024 * 1024 + 5);
    expect(readdirSync(join(dir, 'spare'))).toEqual([]);
    rmSync(temp.path);
    // A small superseded blob is simply freed; a stop frees the spares.
    await commit(storage, '/small.txt', 'one');
    await commit(storage, '/small.txt', 'two');
    await commit(storage, '/big.bin', big('c'));
    expect(readdirSync(join(dir, 'spare'))).toHaveLength(1);
    await storage.close();
    expect(readdirSync(join(dir, 'spare'))).toEqual([]);
    // What a kill -9 leaves in spare/ is wiped at start.
    writeFileSync(join(dir, 'spare', 'left'), 'x');
    const { storage: again } = await Storage.open(dir, 'ws_test', now);
    expect(readdirSync(join(dir, 'spare'))).toEqual([]);
    expect(again.status('/big.bin')?.sha256).toBe(sha256(big('c')));
    expect(again.status('/small.txt')?.sha256).toBe(sha256('two'));
  });

  it('settles an entry once its event is delivered', async () => {
    const { dir, storage } = await fresh();
    const entry = await commit(storage, '/e.txt', 'e', ['wh_1']);
    expect(readdirSync(join(dir, 'journal'))).toHaveLength(1);
    await storage.settle(entry.seq);
    expect(readdirSync(join(dir, 'journal'))).toEqual([]);
  });
});
