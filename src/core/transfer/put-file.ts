// One attempt at one file: the PUT (or the presign's method) with exactly the
// presign headers plus Content-Length, the URL's path sent byte for byte
// (SPEC 1.2), no redirect followed, and the answer read whatever it is.
import type { Dispatcher } from 'undici';
import { NetworkError } from '../errors.js';
import { readBodyText } from '../http.js';
import { toNetworkError } from '../net-errors.js';
import type { UploadTarget } from '../presigned-input.js';
import { urlForLog } from '../redact.js';
import { parseRetryAfter } from '../retry.js';
import { assertUnchanged, hashingBody, newBodyState, type LocalFile } from './hashing-body.js';
import { uploadHostError } from './upload-host-errors.js';

export interface PutIo {
  dispatcher: Dispatcher;
  signal: AbortSignal;
  now: () => number;
  log: (line: string) => void;
  /** Running byte count after each chunk: keep it to an assignment. */
  onBytes: (bytes: number) => void;
}

export interface PutOutcome {
  sha256: string;
  sizeBytes: number;
  /** The host's JSON answer, when it gave one (SPEC 1.2: path, sizeBytes, contentType, sha256). */
  answer: Record<string, unknown> | undefined;
}

function parseAnswer(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined; // S3 answers 200 with an empty body
  }
}

export async function putFile(target: UploadTarget, file: LocalFile, io: PutIo): Promise<PutOutcome> {
  const state = newBodyState();
  let body: AsyncIterable<Buffer> | Buffer;
  if (file.sizeBytes === 0) {
    await assertUnchanged(file);
    state.done = true;
    body = Buffer.alloc(0);
  } else {
    body = hashingBody(file, state, io.onBytes);
  }
  const started = io.now();
  const where = urlForLog(target.origin + target.path);
  io.log(`→ ${target.method} ${where} (${file.sizeBytes} bytes)`);
  let res: Dispatcher.ResponseData;
  try {
    res = await io.dispatcher.request({
      origin: target.origin,
      path: target.path,
      method: target.method as Dispatcher.HttpMethod,
      headers: { ...target.headers, 'content-length': String(file.sizeBytes) },
      // undici streams any async iterable; its types only list Readable.
      body: body as unknown as Buffer,
      signal: io.signal,
    });
  } catch (err) {
    if (io.signal.aborted) throw io.signal.reason;
    throw state.error ?? toNetworkError(err, target.host);
  }
  // An answer before the whole body left (an early 413/403): send no more.
  state.stop = true;
  let text: string;
  try {
    text = await readBodyText(res.body, 64 * 1024);
  } catch (err) {
    if (io.signal.aborted) throw io.signal.reason;
    // A refusal whose body broke off is still a refusal: go by its status.
    if (res.statusCode < 300) throw state.error ?? toNetworkError(err, target.host);
    text = '';
  }
  io.log(`← ${res.statusCode} ${target.method} ${where} (${io.now() - started} ms)`);
  if (state.error) throw state.error;
  if (res.statusCode >= 200 && res.statusCode < 300) {
    if (!state.done) {
      throw new NetworkError(`the upload host ${target.host} answered ${res.statusCode} before the whole file was sent`, {
        code: 'IncompleteUpload',
        hint: 'the upload host may not have stored the whole file: try again',
      });
    }
    // Socket buffers hold megabytes, so the last read can precede the last byte
    // sent by seconds: check again once the host has it all (issue 5: "before and after").
    await assertUnchanged(file, true);
    return { sha256: state.hash.digest('hex'), sizeBytes: file.sizeBytes, answer: parseAnswer(text) };
  }
  throw uploadHostError(res.statusCode, text, target.host, parseRetryAfter(res.headers['retry-after'], io.now()));
}
