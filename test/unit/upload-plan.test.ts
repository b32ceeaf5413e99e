import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { checkUploadArgs, planUploads, remotePathFor, type PlanEntry } from '../../src/core/upload-plan.js';

describe('remotePathFor', () => {
  it.each([
    [undefined, 'a.txt', undefined, '/a.txt'],
    ['/in/', 'a.txt', undefined, '/in/a.txt'],
    ['/in/b.txt', 'a.txt', undefined, '/in/b.txt'],
    [undefined, 'dist', 'x/y.js', '/dist/x/y.js'],
    ['/builds/', 'dist', 'y.js', '/builds/dist/y.js'],
    ['/builds/v1', 'dist', 'y.js', '/builds/v1/y.js'],
    ['/', 'dist', 'y.js', '/dist/y.js'],
    [undefined, '', 'y.js', '/y.js'],
  ])('--to %s, %s, %s -> %s', (to, base, rel, expected) => {
    expect(remotePathFor(to, base, rel)).toBe(expected);
  });
});

describe('checkUploadArgs refuses impossible combinations with exit 2', () => {
  it.each([
    [['-'], {}, 'needs --to'],
    [['-'], { to: '/dir/' }, 'must name the file, not a folder'],
    [['-', '-'], { to: '/x' }, 'only once'],
    [['a', 'b'], { to: '/x' }, 'folder ending in /'],
    [['a'], { to: 'x' }, 'must start with /'],
    [['a', 'b'], { presigned: 'p.json' }, 'exactly one file'],
    [['d'], { presigned: 'p.json', recursive: true }, 'exactly one file'],
    [['-'], { presigned: '-', to: '/x' }, 'standard input'],
  ])('%j %j', (args, opts, message) => {
    expect(() => checkUploadArgs(args, { recursive: false, ...opts })).toThrow(message);
  });

  it.each([
    [['a', 'b'], { to: '/x/' }],
    [['-'], { to: '/x.tgz' }],
    [['d'], { to: '/x', recursive: true }],
  ])('accepts %j %j', (args, opts) => {
    expect(() => checkUploadArgs(args, { recursive: false, ...opts })).not.toThrow();
  });
});

describe('planUploads', () => {
  const root = mkdtempSync(join(tmpdir(), 'fastup-plan-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'site/css'), { recursive: true });
  writeFileSync(join(root, 'site/index.html'), '<p>');
  writeFileSync(join(root, 'site/css/a.css'), 'a{}');
  writeFileSync(join(root, 'outside.txt'), 'x');
  symlinkSync(join(root, 'outside.txt'), join(root, 'site/link.txt'));
  symlinkSync(join(root, 'site'), join(root, 'site/css/loop'));
  symlinkSync(join(root, 'nowhere'), join(root, 'dangling'));
  execFileSync('mkfifo', [join(root, 'site/fifo')]);
  execFileSync('mkfifo', [join(root, 'pipe')]);

  const plan = async (
    args: string[],
    opts: { to?: string; recursive?: boolean; follow?: boolean; readdir?: (dir: string) => Promise<string[]> } = {},
  ) => {
    const warnings: string[] = [];
    const entries = await planUploads(args, {
      cwd: root,
      ...(opts.readdir ? { readdir: opts.readdir } : {}),
      ...(opts.to ? { to: opts.to } : {}),
      recursive: opts.recursive ?? false,
      followSymlinks: opts.follow ?? false,
      contentTypeOf: (n) => (n.endsWith('.html') ? 'text/html' : 'application/octet-stream'),
      warn: (t) => warnings.push(t),
    });
    return { entries, warnings };
  };
  const summary = (entries: PlanEntry[]) => entries.map((e) => (e.kind === 'file' ? `${e.display} -> ${e.remote}` : `${e.display}: ${e.error.exitCode}`));

  it('fails a folder it cannot list with exit 4 (a CI job must not pass with part of the tree missing)', async () => {
    const { readdir } = await import('node:fs/promises');
    const denied = async (dir: string): Promise<string[]> => {
      if (dir.endsWith('css')) throw Object.assign(new Error('permission denied'), { code: 'EACCES' });
      return readdir(dir);
    };
    const { entries } = await plan(['site'], { recursive: true, readdir: denied });
    expect(summary(entries)).toEqual(['site/css: 4', 'site/index.html -> /site/index.html']);
    const failed = entries.find((e) => e.kind === 'error');
    expect(failed?.kind === 'error' && failed.error.message).toContain('cannot list this folder (EACCES)');
  });

  it('walks a folder in name order, skipping links and special files with a warning', async () => {
    const { entries, warnings } = await plan(['site'], { recursive: true });
    expect(summary(entries)).toEqual(['site/css/a.css -> /site/css/a.css', 'site/index.html -> /site/index.html']);
    expect(warnings.join('\n')).toMatch(/site\/css\/loop: skipped symbolic link/);
    expect(warnings.join('\n')).toMatch(/site\/fifo: skipped, a named pipe/);
    expect(warnings.join('\n')).toMatch(/site\/link.txt: skipped symbolic link/);
  });

  it('-L follows links but never loops', async () => {
    const { entries, warnings } = await plan(['site'], { recursive: true, follow: true, to: '/w/' });
    expect(summary(entries)).toEqual(['site/css/a.css -> /w/site/css/a.css', 'site/index.html -> /w/site/index.html', 'site/link.txt -> /w/site/link.txt']);
    expect(warnings.join('\n')).toMatch(/leads back/);
  });

  it('arguments: a followed link, a missing file, a folder without -r, a FIFO and a dangling link keep their order', async () => {
    const { entries } = await plan(['site/link.txt', 'missing', 'site', 'pipe', 'dangling'], { to: '/in/' });
    expect(summary(entries)).toEqual(['site/link.txt -> /in/link.txt', 'missing: 4', 'site: 4', 'pipe: 4', 'dangling: 4']);
    const pipe = entries[3];
    expect(pipe?.kind === 'error' && pipe.error.hint).toMatch(/fastup upload -/);
  });

  it('a file name that makes an invalid remote path is a usage error for that file', async () => {
    writeFileSync(join(root, 'bad\u0001name'), 'x');
    const { entries } = await plan(['bad\u0001name']);
    expect(summary(entries)).toEqual(['bad\u0001name: 2']);
  });
});
