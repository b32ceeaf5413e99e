// Field checks for API bodies. Each failure is a 400 ValidationError whose
// message starts with the field's name (SPEC 1.1: "message names the field").
import { contentTypeProblem } from '../core/mime.js';
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

/** A string field checked by one of the rules the client shares (remote-path.ts, mime.ts). */
function requireValid(body: Record<string, unknown>, field: string, problemOf: (value: string) => string | undefined): string {
  const value = requireString(body, field);
  const problem = problemOf(value);
  if (problem) throw invalid(field, problem);
  return value;
}

export const requirePath = (body: Record<string, unknown>, field = 'path'): string => requireValid(body, field, remotePathProblem);

export const requireContentType = (body: Record<string, unknown>, field = 'contentType'): string =>
  requireValid(body, field, contentTypeProblem);

/** An http(s) URL with a host and no credentials: the only kind a webhook may be sent to. */
export function httpUrlProblem(value: string): string | undefined {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) return 'must be an absolute http:// or https:// URL';
  if (url.username || url.password) return 'must not carry credentials';
  return undefined;
}

export const requireHttpUrl = (body: Record<string, unknown>, field: string): string => requireValid(body, field, httpUrlProblem);
