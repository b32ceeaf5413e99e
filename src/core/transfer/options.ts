// `upload`'s raw option strings (program.ts passes them as typed) turned into
// checked values, with config keys as defaults (SPEC 2: flag > env > profile >
// default), and the refusals that must happen before anything is sent.
import { UsageError } from '../errors.js';
import { isContentType } from '../mime.js';
import type { Settings } from '../session.js';
import { parseCount, parseDuration, parsePositiveDuration } from '../units.js';

export interface RawUploadOptions {
  to?: string;
  recursive?: boolean;
  followSymlinks?: boolean;
  contentType?: string;
  expiresIn?: string;
  concurrency?: string;
  retries?: string;
  timeout?: string;
  presigned?: string;
  wait?: boolean;
  waitTimeout?: string;
  listen?: string;
  publicUrl?: string;
  lock?: boolean;
  dryRun?: boolean;
  /** false with --no-progress */
  progress?: boolean;
}

export interface UploadOptions {
  to?: string;
  recursive: boolean;
  followSymlinks: boolean;
  contentType?: string;
  expiresIn: number;
  concurrency: number;
  retries: number;
  timeoutMs: number;
  presigned?: string;
  wait: boolean;
  waitTimeoutMs: number;
  listen?: string;
  publicUrl?: string;
  lock: boolean;
  dryRun: boolean;
  progress: boolean;
}

export function resolveUploadOptions(raw: RawUploadOptions, settings: Pick<Settings, 'get'>): UploadOptions {
  // settings.get checks flag, environment and profile values against the key's rule (1s to 7 days).
  const expiresIn = parseDuration(settings.get('expires-in', raw.expiresIn) ?? '15m', '--expires-in');
  const timeout = parsePositiveDuration(raw.timeout ?? '60s', '--timeout');
  if (raw.contentType !== undefined && !isContentType(raw.contentType)) {
    throw new UsageError(`invalid --content-type '${raw.contentType}'`, { code: 'InvalidContentType', hint: 'a MIME type such as application/pdf' });
  }
  if (raw.publicUrl !== undefined && !/^https?:\/\/[^\s]+$/i.test(raw.publicUrl)) {
    throw new UsageError(`invalid --public-url '${raw.publicUrl}'`, { code: 'InvalidUrl', hint: 'an http(s) URL such as https://hooks.example.com/fastup' });
  }
  if (raw.lock && raw.presigned !== undefined) {
    throw new UsageError('--lock cannot be used with --presigned', {
      code: 'UsageError',
      hint: 'the URL must be presigned with the lock: let fastup presign (drop --presigned)',
    });
  }
  return {
    ...(raw.to === undefined ? {} : { to: raw.to }),
    recursive: Boolean(raw.recursive),
    followSymlinks: Boolean(raw.followSymlinks),
    ...(raw.contentType === undefined ? {} : { contentType: raw.contentType }),
    expiresIn,
    concurrency: parseCount(settings.get('concurrency', raw.concurrency) ?? '4', '--concurrency', 1, 64),
    retries: parseCount(settings.get('retries', raw.retries) ?? '3', '--retries', 0, 20),
    timeoutMs: timeout * 1000,
    ...(raw.presigned === undefined ? {} : { presigned: raw.presigned }),
    wait: Boolean(raw.wait),
    waitTimeoutMs: parseDuration(settings.get('wait-timeout', raw.waitTimeout) ?? '2m', '--wait-timeout') * 1000,
    ...(raw.listen === undefined ? {} : { listen: raw.listen }),
    ...(raw.publicUrl === undefined ? {} : { publicUrl: raw.publicUrl }),
    lock: Boolean(raw.lock),
    dryRun: Boolean(raw.dryRun),
    progress: raw.progress !== false,
  };
}
