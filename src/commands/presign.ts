// `fastup presign REMOTE_PATH` (SPEC 2): ask for a signed upload URL, print it for scripts.
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Context } from '../core/context.js';
import { LocalFileError, UsageError } from '../core/errors.js';
import { createDispatcher } from '../core/http.js';
import { statProblem } from '../core/local-file-problem.js';
import { isContentType, loadContentTypes } from '../core/mime.js';
import { remotePathProblem } from '../core/remote-path.js';
import { loadSettings, openApiSession } from '../core/session.js';
import { shellQuote } from '../core/shell-quote.js';
import { parseCount, parseDuration, parseSize } from '../core/units.js';
import { tuneV8ForClient } from '../core/client-v8.js';

export interface PresignOptions {
  contentType?: string;
  expiresIn?: string;
  maxSize?: string;
  file?: string;
  lockId?: string;
  curl?: boolean;
}

const MAX_EXPIRES_IN = 604_800;

export function checkRemotePath(path: string): string {
  const problem = remotePathProblem(path);
  if (problem) {
    throw new UsageError(`invalid remote path '${path}': ${problem}`, {
      code: 'InvalidPath',
      hint: 'give an absolute workspace path such as /uploads/report.pdf',
    });
  }
  return path;
}

export function checkExpiresIn(text: string): number {
  const seconds = parseDuration(text, '--expires-in');
  if (seconds < 1 || seconds > MAX_EXPIRES_IN) {
    throw new UsageError(`--expires-in must be between 1 second and 7 days, not '${text}'`, { code: 'InvalidDuration' });
  }
  return seconds;
}

async function localFileSize(file: string): Promise<number> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new LocalFileError(`${file} is not a regular file`, { code: 'NotAFile' });
    return info.size;
  } catch (err) {
    if (err instanceof LocalFileError) throw err;
    const { message, hint } = statProblem(err);
    throw new LocalFileError(`${file}: ${message}`, { code: 'FileNotReadable', hint, cause: err });
  }
}

export async function presign(remotePath: string, opts: PresignOptions, ctx: Context): Promise<void> {
  tuneV8ForClient();
  const path = checkRemotePath(remotePath);
  if (opts.file && opts.maxSize) throw new UsageError('give either --file or --max-size, not both');
  const settings = await loadSettings(ctx);
  const expiresIn = checkExpiresIn(opts.expiresIn ?? settings.get('expires-in') ?? '15m');
  const maxSizeBytes = opts.file
    ? await localFileSize(opts.file)
    : opts.maxSize === undefined
      ? undefined
      : parseSize(opts.maxSize, '--max-size');
  const contentType = opts.contentType ?? (await loadContentTypes())(basename(opts.file ?? path));
  if (!isContentType(contentType)) {
    throw new UsageError(`invalid --content-type '${contentType}'`, { code: 'InvalidContentType', hint: 'use type/subtype, e.g. application/pdf' });
  }
  const retries = parseCount(settings.get('retries') ?? '3', 'retries', 0, 20);

  const dispatcher = await createDispatcher();
  try {
    const { client } = await openApiSession(ctx, dispatcher, { retries, settings });
    const answer = await client.presignUpload({
      path,
      contentType,
      expiresIn,
      ...(maxSizeBytes === undefined ? {} : { maxSizeBytes }),
      ...(opts.lockId ? { lockId: opts.lockId } : {}),
    });
    const doc = { path, ...answer };
    if (opts.curl) {
      ctx.ui.raw(`${curlCommand(doc.uploadUrl, doc.method, doc.headers, opts.file ?? basename(path))}\n`);
    } else if (ctx.stdout.isTTY && !ctx.ui.json) {
      ctx.ui.raw(`${JSON.stringify(doc, null, 2)}\n`);
    } else {
      ctx.ui.jsonLine(doc);
    }
  } finally {
    await dispatcher.close();
  }
}

/**
 * curl sends the URL as given only with --path-as-is (no dot-segment squashing)
 * and --globoff (no [] or {} expansion); -T sets Content-Length from the file.
 */
export function curlCommand(url: string, method: string, headers: Record<string, string>, file: string): string {
  const parts = ['curl', '--fail-with-body', '--path-as-is', '--globoff', '-X', method, '-T', shellQuote(file)];
  for (const [name, value] of Object.entries(headers)) parts.push('-H', shellQuote(`${name}: ${value}`));
  parts.push(shellQuote(url));
  return parts.join(' ');
}
