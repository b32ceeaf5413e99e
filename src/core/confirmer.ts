// The contract between `upload` and the `--wait` machinery (SPEC 2.1), so the
// transfer code does not need to know how a confirmation arrives.
import type { ApiClient } from './api-client.js';
import type { Context } from './context.js';

export interface ExpectedCommit {
  /** Remote path the file was uploaded to. */
  path: string;
  /** What fastup counted and hashed while streaming. */
  sizeBytes: number;
  sha256: string;
}

export interface Confirmer {
  /**
   * Resolves when a verified file.committed for `path` with the same size and
   * hash has arrived (also if it arrived before this call). Rejects with a
   * ConfirmationError (exit 7) on a delivery with another size or hash, or when
   * `timeoutMs` passes (the message says whether the file was committed).
   */
  waitFor(expected: ExpectedCommit, timeoutMs: number): Promise<void>;
  /** Stops the listener and deletes the temporary endpoint; safe to call twice. */
  close(): Promise<void>;
}

export interface ConfirmerOptions {
  client: ApiClient;
  apiUrl: string;
  /** --listen HOST:PORT; default 127.0.0.1 and a free port. */
  listen?: string;
  /** --public-url: where the API can reach the listener. */
  publicUrl?: string;
  /** Lifetime of the temporary endpoint, so a killed client leaves nothing for long. */
  ttlSeconds: number;
}

export type StartConfirmer = (ctx: Context, opts: ConfirmerOptions) => Promise<Confirmer>;
