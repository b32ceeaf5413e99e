// One file from start to result: lock, presign, PUT with retries (re-presigning
// a URL that expired or would before the attempt), check the host's answer,
// confirm by webhook, release the lock. Never throws: a failure is a result.
import type { PresignRequest, PresignResponse } from '../api-client.js';
import { retryDecision } from '../api-errors.js';
import type { ExpectedCommit } from '../confirmer.js';
import { ConfirmationError, RejectedError, toFastupError } from '../errors.js';
import { toUploadTarget, type UploadTarget } from '../presigned-input.js';
import type { RetryDecision } from '../retry.js';
import { withRetries } from '../retry.js';
import type { Dispatcher } from 'undici';
import type { PlannedFile } from '../upload-plan.js';
import type { ActiveFile, FileResult, UploadEventSink } from './events.js';
import { putFile, type PutOutcome } from './put-file.js';

/** Re-presign when the URL has less than this left (SPEC: "or would expire before the attempt"). */
const EXPIRY_MARGIN_MS = 1000;

export interface FileDeps {
  dispatcher: Dispatcher;
  signal: AbortSignal;
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  log: (line: string) => void;
  emit: UploadEventSink;
  retries: number;
  /** Seconds each presigned URL (and lock) lives. */
  expiresIn: number;
  /** fastup presigns; absent when the user gave the target (--presigned). */
  presign?: (req: PresignRequest) => Promise<PresignResponse>;
  target?: UploadTarget;
  /** Refuses a target that would carry a credential to the upload host. */
  checkTarget?: (target: UploadTarget) => void;
  lock?: { create(path: string, ttlSeconds: number): Promise<string>; release(lockId: string): Promise<void> };
  confirm?: (expected: ExpectedCommit) => Promise<void>;
}

function verifyAnswer(put: PutOutcome): void {
  const a = put.answer;
  if (!a) return;
  const badSize = typeof a.sizeBytes === 'number' && a.sizeBytes !== put.sizeBytes;
  const badHash = typeof a.sha256 === 'string' && a.sha256.toLowerCase() !== put.sha256;
  if (badSize || badHash) {
    throw new ConfirmationError(`the upload host stored ${String(a.sizeBytes)} bytes with sha256 ${String(a.sha256)}, not what was sent`, {
      code: 'IntegrityMismatch',
      hint: 'upload the file again; if it repeats, something between fastup and the host alters the data',
    });
  }
}

export async function uploadOne(file: PlannedFile, active: ActiveFile, deps: FileDeps): Promise<FileResult> {
  const started = deps.now();
  let lockId: string | undefined;
  let target = deps.target;
  // Errors that retrying cannot help (the presign's own retries are spent).
  const final = new WeakSet<object>();

  const targetForAttempt = async (): Promise<UploadTarget> => {
    if (deps.target) return deps.target;
    const expiring = target?.expiresAtMs !== undefined && deps.now() >= target.expiresAtMs - EXPIRY_MARGIN_MS;
    if (!target || expiring) {
      try {
        const answer = await (deps.presign as NonNullable<FileDeps['presign']>)({
          path: file.remote,
          contentType: file.contentType,
          expiresIn: deps.expiresIn,
          maxSizeBytes: file.sizeBytes,
          ...(lockId ? { lockId } : {}),
        });
        target = toUploadTarget(answer);
        deps.checkTarget?.(target);
      } catch (err) {
        if (err && typeof err === 'object') final.add(err);
        throw err;
      }
    }
    return target;
  };

  const classify = (err: unknown): RetryDecision => {
    if (err && typeof err === 'object' && final.has(err)) return { retry: false };
    if (err instanceof RejectedError && err.code === 'RequestExpired' && !deps.target) {
      target = undefined; // presign again rather than fail
      return { retry: true, retryAfterMs: 0 };
    }
    return retryDecision(err);
  };

  // Set once the host has committed the bytes: a failure after that (no webhook,
  // Ctrl-C while confirming) still reports what was sent, and where.
  let committed: { path: string; sizeBytes: number; sha256: string } | undefined;
  try {
    if (deps.lock) lockId = await deps.lock.create(file.remote, deps.expiresIn);
    const put = await withRetries(
      async () => {
        const t = await targetForAttempt();
        active.bytes = 0; // each attempt re-reads the file from its start
        return putFile(t, file, { ...deps, onBytes: (n) => (active.bytes = n) });
      },
      classify,
      {
        retries: deps.retries,
        signal: deps.signal,
        sleep: deps.sleep,
        onRetry: ({ attempt, delayMs, error }) =>
          deps.emit({ type: 'retry', index: active.index, file, attempt, delayMs, error: toFastupError(error) }),
      },
    );
    verifyAnswer(put);
    const path = typeof put.answer?.path === 'string' ? put.answer.path : file.remote;
    committed = { path, sizeBytes: put.sizeBytes, sha256: put.sha256 };
    let confirmMs: number | undefined;
    if (deps.confirm) {
      const putEnded = deps.now();
      await deps.confirm(committed);
      // End of PUT to verified webhook: the latency issue 6 measures.
      confirmMs = deps.now() - putEnded;
    }
    const durationMs = deps.now() - started;
    const contentType = typeof put.answer?.contentType === 'string' ? put.answer.contentType : contentTypeSent(target, file);
    return {
      file: file.display,
      path,
      sizeBytes: put.sizeBytes,
      contentType,
      sha256: put.sha256,
      status: deps.confirm ? 'confirmed' : 'uploaded',
      durationMs,
      bytesPerSecond: Math.round((put.sizeBytes * 1000) / Math.max(1, durationMs)),
      ...(confirmMs === undefined ? {} : { confirmMs }),
    };
  } catch (err) {
    const error = deps.signal.aborted ? toFastupError(deps.signal.reason) : toFastupError(err);
    const failed = failedResult(file.display, committed?.path ?? file.remote, committed?.sizeBytes ?? file.sizeBytes, contentTypeSent(target, file), deps.now() - started, error);
    return committed ? { ...failed, sha256: committed.sha256 } : failed;
  } finally {
    if (lockId) await deps.lock?.release(lockId).catch((err: unknown) => deps.log(`could not release the lock on ${file.remote}: ${(err as Error).message}`));
  }
}

function contentTypeSent(target: UploadTarget | undefined, file: PlannedFile): string {
  const header = Object.entries(target?.headers ?? {}).find(([name]) => name.toLowerCase() === 'content-type');
  return header?.[1] ?? file.contentType;
}

export function failedResult(
  display: string,
  remote: string | null,
  sizeBytes: number | null,
  contentType: string | null,
  durationMs: number,
  error: ReturnType<typeof toFastupError>,
): FileResult {
  return { file: display, path: remote, sizeBytes, contentType, sha256: null, status: 'failed', durationMs, bytesPerSecond: 0, error };
}
