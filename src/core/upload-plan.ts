// Arguments -> local files -> remote paths, before anything is sent, in the
// order results and exit codes follow (SPEC 2.2: argument order, then walk
// order). Symlinks and special files are handled deliberately (issue 4):
// arguments are followed (the user named them); links met while walking are
// skipped with a warning unless -L; pipes, sockets and devices are never read
// as files (exit 4 as arguments, skipped with a warning in a walk).
import type { Stats } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { LocalFileError, UsageError, type FastupError } from './errors.js';
import type { ContentTypeOf } from './mime.js';
import { remotePathProblem } from './remote-path.js';
import { statProblem } from './local-file-problem.js';

export interface PlannedFile {
  kind: 'file';
  /** How the user named it: the argument, or argument/relative/path. */
  display: string;
  local: string;
  remote: string;
  sizeBytes: number;
  mtimeMs: number;
  contentType: string;
}

export interface PlanError {
  kind: 'error';
  display: string;
  remote?: string;
  error: FastupError;
}

export type PlanEntry = PlannedFile | PlanError;

export interface PlanOptions {
  cwd: string;
  to?: string;
  recursive: boolean;
  followSymlinks: boolean;
  contentType?: string;
  contentTypeOf: ContentTypeOf;
  warn: (text: string) => void;
  /** The spooled standard input, standing for the argument "-". */
  stdinPath?: string;
  /** Lists a folder; tests pass one that fails the way a folder without permission does. */
  readdir?: (dir: string) => Promise<string[]>;
}

/** Combinations that can never work; refused before anything is read or sent. */
export function checkUploadArgs(args: string[], opts: { to?: string; recursive: boolean; presigned?: string }): void {
  const usage = (message: string, hint: string) => new UsageError(message, { code: 'UsageError', hint });
  const to = opts.to;
  if (to !== undefined && !to.startsWith('/')) throw usage(`--to '${to}' must start with /`, 'e.g. --to /uploads/ or --to /uploads/report.pdf');
  if (args.filter((a) => a === '-').length > 1) throw usage("'-' (standard input) can be given only once", 'upload one stream per call');
  if (args.includes('-') && to === undefined) {
    throw usage('uploading standard input needs --to with the remote file path', 'e.g. tar cz dist | fastup upload - --to /builds/app.tgz');
  }
  if (args.includes('-') && to?.endsWith('/')) {
    throw usage(`standard input has no file name: --to '${to}' must name the file, not a folder`, `e.g. --to ${to}stdin.bin`);
  }
  if (opts.presigned !== undefined && (args.length !== 1 || opts.recursive)) {
    throw usage('--presigned uploads exactly one file', 'presign each file, or let fastup presign (drop --presigned)');
  }
  if (opts.presigned === '-' && args.includes('-')) {
    throw usage('--presigned - and the file - cannot both read standard input', 'save the presign JSON to a file');
  }
  if (to !== undefined && !to.endsWith('/') && args.length > 1) {
    throw usage('--to must be a folder ending in / when uploading several files', `e.g. --to ${to}/`);
  }
}

/**
 * The remote path for `base` (the argument's name) and `rel` (the path inside a
 * folder argument, undefined for a file). --to ending in / is a folder the
 * argument goes into; otherwise it replaces the argument's own name.
 */
export function remotePathFor(to: string | undefined, base: string, rel?: string): string {
  const tail = rel === undefined ? '' : `/${rel}`;
  if (to !== undefined && !to.endsWith('/')) return to + tail;
  const folder = to ?? '/';
  return base === '' ? `${folder}${tail.slice(1)}` : `${folder}${base}${tail}`;
}

function localError(display: string, message: string, hint: string, cause?: unknown): PlanError {
  return { kind: 'error', display, error: new LocalFileError(`${message}`, { code: 'LocalFileError', hint, cause }) };
}

function describeStatError(display: string, err: unknown): PlanError {
  const { message, hint } = statProblem(err);
  return localError(display, message, hint, err);
}

function specialKind(st: Stats): string {
  if (st.isFIFO()) return 'a named pipe';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

export async function planUploads(args: string[], opts: PlanOptions): Promise<PlanEntry[]> {
  const entries: PlanEntry[] = [];
  const file = (display: string, local: string, remote: string, st: Stats): PlanEntry => {
    const problem = remotePathProblem(remote);
    if (problem) {
      return { kind: 'error', display, remote, error: new UsageError(`cannot upload to '${remote}': the remote path ${problem}`, { code: 'InvalidRemotePath', hint: 'rename the file or choose another --to' }) };
    }
    const contentType = opts.contentType ?? opts.contentTypeOf(remote);
    return { kind: 'file', display, local, remote, sizeBytes: st.size, mtimeMs: st.mtimeMs, contentType };
  };

  for (const arg of args) {
    const local = arg === '-' ? (opts.stdinPath ?? '') : resolve(opts.cwd, arg);
    let st: Stats;
    try {
      st = await stat(local);
    } catch (err) {
      const link = await lstat(local).catch(() => undefined);
      entries.push(link?.isSymbolicLink() ? localError(arg, 'is a broken symbolic link', 'check where the link points', err) : describeStatError(arg, err));
      continue;
    }
    if (st.isFile()) {
      entries.push(file(arg, local, arg === '-' ? (opts.to as string) : remotePathFor(opts.to, basename(local)), st));
    } else if (st.isDirectory()) {
      if (!opts.recursive) {
        entries.push(localError(arg, 'is a folder', 'use -r to upload a folder and everything in it'));
        continue;
      }
      const before = entries.length;
      const base = basename(local);
      await walk(
        local,
        '',
        arg,
        new Set([`${st.dev}:${st.ino}`]),
        (display, path, rel, fst) => entries.push(file(display, path, remotePathFor(opts.to, base, rel), fst)),
        (entry) => entries.push(entry),
        opts,
      );
      if (entries.length === before) opts.warn(`${arg}: no files to upload in this folder`);
    } else {
      entries.push(localError(arg, `is ${specialKind(st)}, not a regular file`, `to upload what it produces, pipe it: cat ${arg} | fastup upload - --to /path`));
    }
  }
  refuseClashes(entries);
  return entries;
}

/** Two files to one remote path: the later would silently replace the earlier, and both would report success. */
function refuseClashes(entries: PlanEntry[]): void {
  const first = new Map<string, string>();
  for (const e of entries) {
    if (e.kind !== 'file') continue;
    const earlier = first.get(e.remote);
    if (earlier !== undefined) {
      throw new UsageError(`${earlier} and ${e.display} would both be uploaded to ${e.remote}`, {
        code: 'DuplicateTarget',
        hint: 'give each its own --to (one call per folder), or leave one out',
      });
    }
    first.set(e.remote, e.display);
  }
}

type Found = (display: string, path: string, rel: string, st: Stats) => void;
type Failed = (entry: PlanError) => void;

async function walk(dir: string, rel: string, display: string, ancestors: Set<string>, found: Found, failed: Failed, opts: PlanOptions): Promise<void> {
  let names: string[];
  try {
    names = (await (opts.readdir ?? readdir)(dir)).sort();
  } catch (err) {
    // Not a skip: a CI job must not pass with part of the tree missing (exit 4).
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    failed(localError(display, `cannot list this folder (${code})`, 'check its permissions', err));
    return;
  }
  for (const name of names) {
    const path = join(dir, name);
    const childRel = rel === '' ? name : `${rel}/${name}`;
    const childDisplay = join(display, name);
    let st = await lstat(path).catch(() => undefined);
    if (st?.isSymbolicLink()) {
      if (!opts.followSymlinks) {
        opts.warn(`${childDisplay}: skipped symbolic link (use -L to follow links)`);
        continue;
      }
      st = await stat(path).catch(() => undefined);
      if (!st) {
        opts.warn(`${childDisplay}: skipped broken symbolic link`);
        continue;
      }
    }
    if (!st) continue; // vanished while listing
    if (st.isFile()) {
      found(childDisplay, path, childRel, st);
    } else if (st.isDirectory()) {
      const id = `${st.dev}:${st.ino}`;
      // A link back to a folder above would walk forever.
      if (ancestors.has(id)) {
        opts.warn(`${childDisplay}: skipped, the link leads back into a folder being walked`);
        continue;
      }
      await walk(path, childRel, childDisplay, new Set([...ancestors, id]), found, failed, opts);
    } else {
      opts.warn(`${childDisplay}: skipped, ${specialKind(st)}`);
    }
  }
}
