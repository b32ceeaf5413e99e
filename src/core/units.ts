// SPEC 2: sizes in SI (kB = 1000) or IEC (KiB = 1024) units, durations with a
// bare number meaning seconds. bytes-iec matches the size rules; parse-duration
// would read a bare "900" in the target unit too, but we spell that case out so
// a change in the library cannot turn 900 seconds into 900 ms.
import bytes from 'bytes-iec';
import parseDurationLib from 'parse-duration';
import { UsageError } from './errors.js';

export function parseSize(input: string, what = 'size'): number {
  const text = input.trim();
  // A fraction needs a unit (1.5GB); bytes-iec would silently floor a bare 1.5.
  const value = /^\d+$/.test(text) ? Number(text) : /^\d+(\.\d+)?\s*[a-z]+$/i.test(text) ? bytes.parse(text) : null;
  if (value === null || !Number.isSafeInteger(value) || value < 0) {
    throw new UsageError(`invalid ${what} '${input}'`, {
      code: 'InvalidSize',
      hint: 'use bytes (1048576) or a unit: 100MB (10^8 bytes), 1GiB (2^30 bytes)',
    });
  }
  return value;
}

/** Returns whole seconds. */
export function parseDuration(input: string, what = 'duration'): number {
  const text = input.trim();
  // Units after every number (90s, 1h30m): parse-duration would also take 1e3 or 1.5.
  const seconds = /^\d+$/.test(text) ? Number(text) : /^(\d+(\.\d+)?[a-z]+)+$/i.test(text) ? parseDurationLib(text, 's') : null;
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0 || !Number.isInteger(seconds)) {
    throw new UsageError(`invalid ${what} '${input}'`, {
      code: 'InvalidDuration',
      hint: 'use seconds (900) or a unit: 90s, 15m, 1h',
    });
  }
  return seconds;
}

/** The longest timeout a timer can hold: Node's setTimeout takes at most 2^31-1 ms (24.8 days), and fires at once past it. */
export const MAX_TIMEOUT_SECONDS = 24 * 86_400;

/** A timeout flag: 0 would end the run at once, and so would more than a timer holds. */
export function parsePositiveDuration(input: string, what: string): number {
  const seconds = parseDuration(input, what);
  if (seconds < 1 || seconds > MAX_TIMEOUT_SECONDS) {
    throw new UsageError(`invalid ${what} '${input}': must be a duration from 1s to 24d, such as 900, 90s, 15m, 1h`, { code: 'InvalidDuration' });
  }
  return seconds;
}

export function parseCount(input: string, what: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const text = input.trim();
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`invalid ${what} '${input}': expected a whole number from ${min} to ${max}`, {
      code: 'InvalidNumber',
    });
  }
  return value;
}

const SI = ['B', 'kB', 'MB', 'GB', 'TB'];

/** Human size in SI units, the ones SPEC's examples use. */
export function formatBytes(n: number): string {
  let i = 0;
  let v = n;
  while (v >= 1000 && i < SI.length - 1) {
    v /= 1000;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${SI[i]}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}
