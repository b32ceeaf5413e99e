// `upload --presigned FILE|-`: presign JSON (SPEC 1.1's answer, maybe with the
// `path` that `fastup presign` adds) or a bare URL. Everything is checked before
// a byte is sent: a bad document is a usage error (exit 2), never a request.
import { UsageError } from './errors.js';
import { splitUploadUrl, type SplitUrl } from './transfer/split-url.js';

export interface UploadTarget extends SplitUrl {
  uploadUrl: string;
  method: string;
  headers: Record<string, string>;
  /** Milliseconds since the epoch, when the presign said. */
  expiresAtMs?: number;
  /** Remote path, when the document names it. */
  remotePath?: string;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Headers fastup sets itself, or that SPEC 1.2 forbids on the upload request.
const FORBIDDEN = new Set([
  'content-length', 'transfer-encoding', 'expect', 'host', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer',
  'authorization', 'proxy-authorization',
]);

/** Why these presign headers cannot be sent as they are, or undefined. */
export function headersProblem(headers: Record<string, string>): string | undefined {
  const seen = new Set<string>();
  for (const [name, value] of Object.entries(headers)) {
    if (seen.has(name.toLowerCase())) return `header '${name}' is given twice`;
    seen.add(name.toLowerCase());
    if (!TOKEN.test(name)) return `header name '${name}' is not a valid HTTP header name`;
    // eslint-disable-next-line no-control-regex
    if (/[\r\n\0]/.test(value)) return `header '${name}' contains a line break or NUL`;
    if (FORBIDDEN.has(name.toLowerCase())) return `header '${name}' must not be in the presign (fastup never sends it to an upload URL, or sets it itself)`;
  }
  return undefined;
}

function invalid(reason: string): UsageError {
  return new UsageError(`invalid presign JSON: ${reason}`, {
    code: 'InvalidPresign',
    hint: 'give the output of `fastup presign` (or {"uploadUrl": "https://..."}) or a bare URL',
  });
}

interface PresignDocument {
  uploadUrl: string;
  method?: string;
  headers?: Record<string, string>;
  expiresAt?: string;
  path?: string;
}

// Checked by hand rather than with zod, which would cost every `upload
// --presigned` ~42 ms and ~14 MB to load (issue 6) for five fields.
function checkDocument(value: unknown): PresignDocument {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('expected an object with uploadUrl');
  const doc = value as Record<string, unknown>;
  const out: PresignDocument = { uploadUrl: '' };
  for (const key of ['uploadUrl', 'method', 'expiresAt', 'path'] as const) {
    const v = doc[key];
    if (v === undefined && key !== 'uploadUrl') continue;
    if (typeof v !== 'string') throw invalid(`${key}: expected a string, got ${v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v}`);
    out[key] = v;
  }
  const headers = doc.headers;
  if (headers !== undefined) {
    if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) throw invalid('headers: expected an object of name: value strings');
    for (const [name, v] of Object.entries(headers)) {
      if (typeof v !== 'string') throw invalid(`headers.${name}: expected a string, got ${v === null ? 'null' : typeof v}`);
    }
    out.headers = headers as Record<string, string>;
  }
  return out;
}

/** Turns checked presign fields into what the transfer sends. */
export function toUploadTarget(doc: PresignDocument): UploadTarget {
  const headers = doc.headers ?? {};
  const problem = headersProblem(headers);
  if (problem) throw invalid(problem);
  const method = (doc.method ?? 'PUT').toUpperCase();
  if (!['PUT', 'POST', 'PATCH'].includes(method)) throw invalid(`method '${doc.method}' cannot carry an upload (use PUT)`);
  let expiresAtMs: number | undefined;
  if (doc.expiresAt !== undefined) {
    expiresAtMs = Date.parse(doc.expiresAt);
    if (Number.isNaN(expiresAtMs)) throw invalid(`expiresAt '${doc.expiresAt}' is not a date`);
  }
  return {
    ...splitUploadUrl(doc.uploadUrl),
    uploadUrl: doc.uploadUrl,
    method,
    headers,
    ...(expiresAtMs === undefined ? {} : { expiresAtMs }),
    ...(doc.path === undefined ? {} : { remotePath: doc.path }),
  };
}

export async function parsePresignedInput(text: string): Promise<UploadTarget> {
  const trimmed = text.trim();
  if (trimmed === '') throw invalid('the input is empty');
  if (!trimmed.startsWith('{') && !trimmed.startsWith('"')) {
    if (/\s/.test(trimmed)) throw invalid('expected a JSON object or a single URL');
    return toUploadTarget({ uploadUrl: trimmed });
  }
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    throw invalid('not valid JSON');
  }
  if (typeof value === 'string') return toUploadTarget({ uploadUrl: value });
  return toUploadTarget(checkDocument(value));
}

