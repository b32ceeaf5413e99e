// What the transfer core tells its subscribers (progress bars, CI lines, JSON
// results). The core never prints; reporters turn these into output.
import type { FastupError } from '../errors.js';
import type { PlannedFile } from '../upload-plan.js';

export type UploadStatus = 'uploaded' | 'confirmed' | 'failed' | 'planned';

/** One file's outcome: SPEC 2's JSON line, with the error still an object. */
export interface FileResult {
  file: string;
  path: string | null;
  sizeBytes: number | null;
  contentType: string | null;
  sha256: string | null;
  status: UploadStatus;
  durationMs: number;
  bytesPerSecond: number;
  /** With --wait: milliseconds from the end of the PUT to the verified webhook. */
  confirmMs?: number;
  error?: FastupError;
}

/** A file being sent; `bytes` is updated in place on the hot path. */
export interface ActiveFile {
  index: number;
  file: PlannedFile;
  bytes: number;
  startedAt: number;
}

export type UploadEvent =
  | { type: 'file-start'; index: number; file: PlannedFile }
  | { type: 'progress'; active: readonly ActiveFile[]; doneBytes: number }
  | { type: 'retry'; index: number; file: PlannedFile; attempt: number; delayMs: number; error: FastupError }
  | { type: 'file-done'; index: number; result: FileResult }
  | { type: 'file-failed'; index: number; result: FileResult }
  | { type: 'heartbeat'; active: readonly ActiveFile[]; doneBytes: number; elapsedMs: number };

export type UploadEventSink = (event: UploadEvent) => void;
