// upload --wait's matching of file.committed events to uploads (SPEC 2.1).
import { describe, expect, it } from 'vitest';
import { CommitMatcher } from '../../src/core/webhook-commits.js';

const sha = (c: string) => c.repeat(64);
const expected = { path: '/a.bin', sizeBytes: 3, sha256: sha('a') };

describe('CommitMatcher', () => {
  it('confirms from a delivery that arrived before waitFor', async () => {
    const m = new CommitMatcher();
    m.deliver({ path: '/a.bin', sizeBytes: 3, sha256: sha('a') });
    await expect(m.wait(expected).done).resolves.toBeUndefined();
  });

  it('confirms from a delivery that arrives while waiting', async () => {
    const m = new CommitMatcher();
    const { done } = m.wait(expected);
    m.deliver({ path: '/other', sizeBytes: 3, sha256: sha('a') });
    m.deliver({ path: '/a.bin', sizeBytes: 3, sha256: sha('a') });
    await expect(done).resolves.toBeUndefined();
  });

  it('compares hashes case-insensitively', async () => {
    const m = new CommitMatcher();
    const { done } = m.wait({ ...expected, sha256: sha('A') });
    m.deliver({ path: '/a.bin', sizeBytes: 3, sha256: sha('a') });
    await expect(done).resolves.toBeUndefined();
  });

  it('fails at once, exit 7, on another size or hash for the path', async () => {
    const m = new CommitMatcher();
    const { done } = m.wait(expected);
    m.deliver({ path: '/a.bin', sizeBytes: 3, sha256: sha('b') });
    await expect(done).rejects.toMatchObject({ exitCode: 7, code: 'ConfirmationMismatch', message: expect.stringContaining(sha('b')) });
    const early = new CommitMatcher();
    early.deliver({ path: '/a.bin', sizeBytes: 4, sha256: sha('a') });
    await expect(early.wait(expected).done).rejects.toMatchObject({ exitCode: 7 });
  });

  it('prefers a matching buffered delivery over another version of the path', async () => {
    const m = new CommitMatcher();
    m.deliver({ path: '/a.bin', sizeBytes: 9, sha256: sha('c') });
    m.deliver({ path: '/a.bin', sizeBytes: 3, sha256: sha('a') });
    await expect(m.wait(expected).done).resolves.toBeUndefined();
  });

  it('forgets a cancelled waiter, buffering later deliveries instead', async () => {
    const m = new CommitMatcher();
    const first = m.wait(expected);
    first.cancel();
    m.deliver({ path: '/a.bin', sizeBytes: 3, sha256: sha('a') });
    await expect(m.wait(expected).done).resolves.toBeUndefined();
  });

  it('keeps a bounded number of paths', async () => {
    const m = new CommitMatcher(2, 8);
    for (const p of ['/1', '/2', '/3']) m.deliver({ path: p, sizeBytes: 1, sha256: sha('a') });
    const oldest = m.wait({ path: '/1', sizeBytes: 1, sha256: sha('a') });
    const settled = await Promise.race([oldest.done.then(() => 'resolved'), new Promise((r) => setTimeout(() => r('pending'), 20))]);
    expect(settled).toBe('pending');
    oldest.cancel();
    await expect(m.wait({ path: '/3', sizeBytes: 1, sha256: sha('a') }).done).resolves.toBeUndefined();
  });
});
