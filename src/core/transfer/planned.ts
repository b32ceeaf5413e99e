// --dry-run: the plan as SPEC 2's `planned` results. Nothing is read beyond a
// stat and nothing is sent, so sha256 is null (it would cost a full read).
import type { PlanEntry } from '../upload-plan.js';
import type { FileResult } from './events.js';
import { failedResult } from './upload-one.js';

export function plannedResults(plan: readonly PlanEntry[]): FileResult[] {
  return plan.map((e) =>
    e.kind === 'error'
      ? failedResult(e.display, e.remote ?? null, null, null, 0, e.error)
      : { file: e.display, path: e.remote, sizeBytes: e.sizeBytes, contentType: e.contentType, sha256: null, status: 'planned', durationMs: 0, bytesPerSecond: 0 },
  );
}
