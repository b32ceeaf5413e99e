// The upload core: every planned file through uploadOne with at most
// `concurrency` in flight over one shared pool, events for the reporters, and
// a result per plan entry in plan order (SPEC 2.2: the first failure in
// argument/walk order decides the exit code). Progress is sampled by a timer,
// not pushed per chunk, so the data path only bumps a counter.
import { runPool } from '../run-pool.js';
import type { PlanEntry } from '../upload-plan.js';
import type { ActiveFile, FileResult } from './events.js';
import { failedResult, uploadOne, type FileDeps } from './upload-one.js';
import { toFastupError } from '../errors.js';

export interface UploadDeps extends FileDeps {
  concurrency: number;
  /** How often a heartbeat event is emitted while something is in flight (CI logs, issue 4). */
  heartbeatMs: number;
  /** How often progress is sampled. */
  progressMs?: number;
}

export async function uploadFiles(plan: readonly PlanEntry[], deps: UploadDeps): Promise<FileResult[]> {
  const results: (FileResult | undefined)[] = new Array<FileResult | undefined>(plan.length);
  const active = new Set<ActiveFile>();
  const started = deps.now();
  let doneBytes = 0;
  let lastSample = -1;
  const sample = setInterval(() => {
    let sum = doneBytes;
    for (const a of active) sum += a.bytes;
    if (active.size === 0 || sum === lastSample) return;
    lastSample = sum;
    deps.emit({ type: 'progress', active: [...active], doneBytes });
  }, deps.progressMs ?? 200);
  const beat = setInterval(() => {
    if (active.size > 0) deps.emit({ type: 'heartbeat', active: [...active], doneBytes, elapsedMs: deps.now() - started });
  }, deps.heartbeatMs);
  sample.unref();
  beat.unref();

  try {
    await runPool(
      plan,
      deps.concurrency,
      async (entry, index) => {
        if (entry.kind === 'error') {
          const result = failedResult(entry.display, entry.remote ?? null, null, null, 0, entry.error);
          results[index] = result;
          deps.emit({ type: 'file-failed', index, result });
          return;
        }
        const a: ActiveFile = { index, file: entry, bytes: 0, startedAt: deps.now() };
        active.add(a);
        deps.emit({ type: 'file-start', index, file: entry });
        const result = await uploadOne(entry, a, deps);
        active.delete(a);
        results[index] = result;
        if (result.status === 'failed') {
          deps.emit({ type: 'file-failed', index, result });
        } else {
          doneBytes += entry.sizeBytes;
          deps.emit({ type: 'file-done', index, result });
        }
      },
      deps.signal,
    );
  } finally {
    clearInterval(sample);
    clearInterval(beat);
  }
  // Interrupted: what never started gets its own "failed" line too (one line per file under --json).
  plan.forEach((entry, index) => {
    if (results[index]) return;
    const remote = entry.kind === 'file' ? entry.remote : (entry.remote ?? null);
    const result = failedResult(entry.display, remote, entry.kind === 'file' ? entry.sizeBytes : null, null, 0, toFastupError(deps.signal.reason));
    results[index] = result;
    deps.emit({ type: 'file-failed', index, result });
  });
  return results as FileResult[];
}
