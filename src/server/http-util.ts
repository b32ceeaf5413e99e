// Small HTTP helpers shared by every route: the SPEC 1 error shape, JSON
// answers, and a capped JSON body reader (a dev-server still must not let one
// request eat its memory).
import type { IncomingMessage, ServerResponse } from 'node:http';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const MAX_JSON_BODY_BYTES = 64 * 1024;
const JSON_BODY_TIMEOUT_MS = 10_000;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

export function sendError(res: ServerResponse, err: ApiError): void {
  sendJson(res, err.status, { error: { code: err.code, message: err.message } }, err.headers);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, headers);
  res.end();
}

/** Reads a JSON object body of at most MAX_JSON_BODY_BYTES; 413 past it, 400 when not an object. */
export async function readJsonObject(req: IncomingMessage, res: ServerResponse): Promise<Record<string, unknown>> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > MAX_JSON_BODY_BYTES) throw tooLarge();
  // With a 'checkContinue' listener Node leaves the 100 to us.
  if (req.headers.expect?.toLowerCase() === '100-continue') res.writeContinue();
  const chunks: Buffer[] = [];
  let size = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new ApiError(408, 'RequestTimeout', 'request body not received in time')), JSON_BODY_TIMEOUT_MS);
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_JSON_BODY_BYTES) {
        clearTimeout(timer);
        req.pause();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      clearTimeout(timer);
      resolve();
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'ValidationError', 'body: not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ApiError(400, 'ValidationError', 'body: must be a JSON object');
  }
  return value as Record<string, unknown>;
}

function tooLarge(): ApiError {
  return new ApiError(413, 'PayloadTooLarge', `body: larger than ${MAX_JSON_BODY_BYTES} bytes`, { Connection: 'close' });
}
