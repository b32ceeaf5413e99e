// Results of `upload`: one line per file on stdout (human, or SPEC 2's JSON
// line under --json, failures included), one short stderr line per failure,
// retries as warnings, and a closing summary on stderr (stdout keeps exactly
// one line per file, for scripts that read it line by line).
import { isStop } from '../errors.js';
import type { FileResult, UploadEvent } from '../transfer/events.js';
import { formatBytes, formatDuration } from '../units.js';
import type { Ui } from './ui.js';

export function resultJson(r: FileResult): Record<string, unknown> {
  const { error, ...rest } = r;
  if (!error) return rest;
  return { ...rest, error: error.toJSON() };
}

export class UploadReporter {
  constructor(
    private readonly ui: Ui,
    private readonly retries: number,
  ) {}

  readonly handle = (event: UploadEvent): void => {
    if (event.type === 'file-done' || event.type === 'file-failed') this.result(event.result);
    else if (event.type === 'retry') {
      const wait = formatDuration(event.delayMs);
      this.ui.warn(`${event.file.display}: ${event.error.message}; retrying in ${wait} (attempt ${event.attempt + 1} of ${this.retries + 1})`);
    }
  };

  result(r: FileResult): void {
    if (this.ui.json) this.ui.jsonLine(resultJson(r));
    if (r.error) {
      // Files an interrupt stopped are listed together by interrupted().
      if (!isStop(r.error)) this.ui.error(r.error, r.file);
      return;
    }
    if (this.ui.quiet) return;
    const size = formatBytes(r.sizeBytes ?? 0);
    const detail = r.status === 'planned' ? `${size}, ${r.contentType}` : `${size}, sha256 ${r.sha256}`;
    this.ui.result(`${r.status} ${r.file} -> ${r.path} (${detail})`);
  }

  /** Files, bytes, time and rate; human output only. */
  summary(results: readonly FileResult[], elapsedMs: number): void {
    if (this.ui.json || this.ui.quiet || results.length === 0) return;
    const ok = results.filter((r) => r.status !== 'failed');
    const failed = results.length - ok.length;
    const bytes = ok.reduce((sum, r) => sum + (r.sizeBytes ?? 0), 0);
    const verb = ok[0]?.status === 'planned' ? 'planned' : 'uploaded';
    const rate = verb === 'planned' ? '' : ` in ${formatDuration(elapsedMs)} (${formatBytes(Math.round((bytes * 1000) / Math.max(1, elapsedMs)))}/s)`;
    const files = failed
      ? `${ok.length} of ${results.length} files`
      : `${ok.length} file${ok.length === 1 ? '' : 's'}`;
    this.ui.info(`${verb} ${files}, ${formatBytes(bytes)}${rate}${failed ? `; ${failed} failed` : ''}`);
  }

  /** After Ctrl-C: what made it and what did not, so the user knows what to send again. */
  interrupted(results: readonly FileResult[]): void {
    const done = results.filter((r) => r.status !== 'failed');
    // Sent and committed, but Ctrl-C came while --wait was confirming.
    const unconfirmed = results.filter((r) => r.status === 'failed' && r.sha256 !== null);
    const missing = results.filter((r) => r.status === 'failed' && r.sha256 === null);
    if (unconfirmed.length) {
      this.ui.info(`uploaded but not confirmed: ${unconfirmed.slice(0, 10).map((r) => `${r.file} -> ${r.path}`).join(', ')}${unconfirmed.length > 10 ? ', …' : ''}`);
    }
    const names = missing.slice(0, 10).map((r) => r.file);
    const more = missing.length > names.length ? ` and ${missing.length - names.length} more` : '';
    this.ui.info(`interrupted: ${done.length} of ${results.length} files uploaded${done.length ? ` (${done.map((r) => r.file).slice(0, 10).join(', ')}${done.length > 10 ? ', …' : ''})` : ''}`);
    if (missing.length) this.ui.info(`not uploaded: ${names.join(', ')}${more}`);
  }
}
