// `fastup upload FILE...` (SPEC 2, 2.1): options in, a plan of files, the
// upload core, reporters subscribed to its events. The work lives in
// core/transfer; this file only wires it to the terminal.
import { setMaxListeners } from 'node:events';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Context } from '../core/context.js';
import { ReportedError, UsageError } from '../core/errors.js';
import { tuneV8ForClient } from '../core/client-v8.js';
import { statProblem } from '../core/local-file-problem.js';
import { loadContentTypes } from '../core/mime.js';
import { ProgressBars } from '../core/output/progress-bars.js';
import { ProgressLines } from '../core/output/progress-lines.js';
import { Ui } from '../core/output/ui.js';
import { UploadReporter } from '../core/output/upload-reporter.js';
import { parsePresignedInput, type UploadTarget } from '../core/presigned-input.js';
import { sleep } from '../core/retry.js';
import { loadSettings } from '../core/session.js';
import { missingSetting } from '../core/settings.js';
import { spoolStdin } from '../core/stdin-spool.js';
import type { UploadEvent } from '../core/transfer/events.js';
import { resolveUploadOptions, type RawUploadOptions } from '../core/transfer/options.js';
import { assertReachable } from '../core/webhook-endpoint.js';
import { plannedResults } from '../core/transfer/planned.js';
import { uploadFiles } from '../core/transfer/upload-files.js';
import { openUploadServices } from '../core/transfer/upload-services.js';
import { checkUploadArgs, planUploads } from '../core/upload-plan.js';
import { readBodyText } from '../core/http.js';

async function readPresigned(source: string, ctx: Context): Promise<UploadTarget> {
  let text: string;
  try {
    text = source === '-' ? await readBodyText(ctx.stdin as AsyncIterable<Uint8Array>) : await readFile(resolve(ctx.cwd, source), 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --presigned ${source}: ${statProblem(err).message}`, {
      code: 'InvalidPresign',
      hint: 'give a file holding the presign JSON, or - to read it from standard input',
    });
  }
  return parsePresignedInput(text);
}

export async function upload(files: string[], raw: RawUploadOptions, ctx: Context): Promise<void> {
  tuneV8ForClient();
  const settings = await loadSettings(ctx);
  const opts = resolveUploadOptions(raw, settings);
  checkUploadArgs(files, opts);
  const target = opts.presigned === undefined ? undefined : await readPresigned(opts.presigned, ctx);
  if (target && opts.contentType !== undefined) {
    ctx.ui.warn('--content-type is ignored with --presigned: the upload sends the Content-Type that was signed');
  }
  if (target?.remotePath !== undefined && opts.to !== undefined && opts.to !== target.remotePath) {
    ctx.ui.warn(`--to is ignored with --presigned: the signed URL decides where the file goes (${target.remotePath})`);
  }
  if (opts.wait && !opts.dryRun) {
    // --wait registers a webhook endpoint through the API: a key is needed even with --presigned.
    if (!settings.get('api-key')) throw missingSetting('api-key', settings.profile);
    assertReachable(settings.get('api-url') as string, opts.publicUrl, '--listen HOST:PORT');
  }
  const contentTypeOf = await loadContentTypes();
  const spool = files.includes('-')
    ? await spoolStdin(ctx.stdin, ctx.cleanups, ctx.signal).catch((err: unknown) => {
        // Said as an interrupted upload says it, not silently.
        if (ctx.signal.aborted) ctx.ui.info('interrupted while reading standard input: nothing was uploaded');
        throw err;
      })
    : undefined;
  try {
    // A presign that names its path wins: --to only names a bare URL's destination.
    const to = target?.remotePath ?? opts.to;
    const plan = await planUploads(files, {
      cwd: ctx.cwd,
      ...(to === undefined ? {} : { to }),
      recursive: opts.recursive,
      followSymlinks: opts.followSymlinks,
      ...(opts.contentType === undefined ? {} : { contentType: opts.contentType }),
      contentTypeOf,
      warn: (text) => ctx.ui.warn(text),
      ...(spool ? { stdinPath: spool.path } : {}),
    });
    // Nothing to send (a dry run, or every argument already failed, e.g. a typo):
    // no API is contacted, so a missing key does not hide the real problem.
    if (opts.dryRun || plan.every((e) => e.kind === 'error')) {
      const reporter = new UploadReporter(ctx.ui, opts.retries);
      const results = plannedResults(plan);
      for (const r of results) reporter.result(r);
      reporter.summary(results, 0);
      const failed = results.find((r) => r.error);
      if (failed?.error) throw new ReportedError(failed.error.exitCode);
      return;
    }

    const totalBytes = plan.reduce((sum, e) => sum + (e.kind === 'file' ? e.sizeBytes : 0), 0);
    const needsApi = target === undefined || opts.lock || opts.wait;
    const ttlSeconds = Math.min(86_400, 3600 + Math.ceil(opts.waitTimeoutMs / 1000) + Math.ceil(totalBytes / 1e6));
    const services = await openUploadServices(ctx, opts, settings, needsApi, ttlSeconds);
    const apiKey = services.session?.settings.get('api-key');

    // Bars only on a terminal; --verbose prints the HTTP exchange instead (as curl -v does).
    const useBars = opts.progress && ctx.ui.stderrIsTTY && !ctx.ui.quiet && !ctx.ui.verbose;
    const makeUi = (streams: { stdout: Context['stdout']; stderr: Context['stderr'] }): Ui => {
      const ui = new Ui({ ...streams, env: ctx.env, json: ctx.ui.json, quiet: ctx.ui.quiet, verbose: ctx.ui.verbose, color: ctx.globals.color });
      ui.addSecret(apiKey);
      return ui;
    };
    const fileCount = plan.length; // failed entries (a missing file) count too: they end as done
    const bars = useBars ? await ProgressBars.start(ctx.stderr, ctx.stdout, makeUi, totalBytes, fileCount, ctx.ui.c) : undefined;
    const unregisterBars = bars ? ctx.cleanups.add(() => bars.stop()) : undefined;
    const out = bars?.ui ?? ctx.ui;
    out.addSecret(apiKey);
    const reporter = new UploadReporter(out, opts.retries);
    const lines = !useBars && opts.progress ? new ProgressLines(out, totalBytes, !ctx.ui.json, opts.wait) : undefined;
    const emit = (event: UploadEvent): void => {
      bars?.handle(event);
      lines?.handle(event);
      reporter.handle(event);
    };

    // Every request in flight listens for Ctrl-C on the one signal: not a leak.
    setMaxListeners(Math.max(32, opts.concurrency * 4), ctx.signal);
    const started = ctx.now();
    const heartbeatMs = Number(ctx.env.FASTUP_HEARTBEAT_MS) > 0 ? Number(ctx.env.FASTUP_HEARTBEAT_MS) : 30_000;
    const client = services.session?.client;
    let results;
    try {
      results = await uploadFiles(plan, {
        dispatcher: services.dispatcher,
        signal: ctx.signal,
        now: ctx.now,
        sleep,
        log: (line) => out.debug(line),
        emit,
        retries: opts.retries,
        expiresIn: opts.expiresIn,
        concurrency: opts.concurrency,
        heartbeatMs,
        checkTarget: services.checkTarget,
        ...(target ? { target } : { presign: (req) => (client as NonNullable<typeof client>).presignUpload(req) }),
        ...(opts.lock && client
          ? { lock: { create: async (path, ttl) => (await client.createLock(path, ttl)).lockId, release: (id) => client.deleteLock(id) } }
          : {}),
        ...(services.confirmer ? { confirm: (expected) => (services.confirmer as NonNullable<typeof services.confirmer>).waitFor(expected, opts.waitTimeoutMs) } : {}),
      });
    } finally {
      bars?.stop();
      unregisterBars?.();
      await services.close();
    }
    // The bars are gone: closing lines go straight to the terminal again.
    const closing = bars ? new UploadReporter(ctx.ui, opts.retries) : reporter;
    if (ctx.signal.aborted) {
      closing.interrupted(results);
      throw ctx.signal.reason;
    }
    closing.summary(results, ctx.now() - started);
    const failed = results.find((r) => r.error);
    if (failed?.error) throw new ReportedError(failed.error.exitCode);
  } finally {
    await spool?.remove();
  }
}
