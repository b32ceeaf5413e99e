// Field checks for API bodies. Each failure is a 400 ValidationError whose
// message starts with the field's name (SPEC 1.1: "message names the field").
import { remotePathProblem } from '../core/remote-path.js';
import { ApiError } from './http-util.js';

export function invalid(field: string, problem: string): ApiError {
  return new ApiError(400, 'ValidationError', `${field}: ${problem}`);
}

export function requireString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (value === undefined || value === null) throw invalid(field, 'is required');
  if (typeof value !== 'string') throw invalid(field, 'must be a string');
  return value;
}

export function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') throw invalid(field, 'must be a non-empty string');
  return value;
}

export function optionalInteger(body: Record<string, unknown>, field: string, min: number, max: number): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalid(field, 'must be an integer');
  if (value < min || value > max) throw invalid(field, `must be from ${min} to ${max}`);
  return value;
}

export function requirePath(body: Record<string, unknown>, field = 'path'): string {
  const path = requireString(body, field);
  const problem = remotePathProblem(path);
  if (problem) throw invalid(field, problem);
  return path;
}

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const MIME = new RegExp(`^${TOKEN}/${TOKEN}(\\s*;\\s*${TOKEN}=(${TOKEN}|"([\\t\\x20-\\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\[\\t\\x20-\\x7e])*"))*$`);
const MAX_CONTENT_TYPE = 255;

/** `type/subtype` with optional `; name=value` parameters, as a header can carry it unchanged. */
export function contentTypeProblem(value: string): string | undefined {
  if (value.length > MAX_CONTENT_TYPE) return `is longer than ${MAX_CONTENT_TYPE} characters`;
  if (!MIME.test(value)) return 'must be a MIME type such as application/pdf or text/plain; charset=utf-8';
  return undefined;
}

export function requireContentType(body: Record<string, unknown>, field = 'contentType'): string {
  const value = requireString(body, field);
  const problem = contentTypeProblem(value);
  if (problem) throw invalid(field, problem);
  return value;
}

/** An http(s) URL with a host; the only kind a webhook may be sent to. */
export function requireHttpUrl(body: Record<string, unknown>, field: string): string {
  const value = requireString(body, field);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(field, 'must be an absolute http:// or https:// URL');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    throw invalid(field, 'must be an absolute http:// or https:// URL');
  }
  if (url.username || url.password) throw invalid(field, 'must not carry credentials');
  return value;
}
