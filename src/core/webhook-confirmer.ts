// upload --wait (SPEC 2.1): a loopback listener and a temporary endpoint for
// file.committed, set up before the first PUT; each file is confirmed when a
// verified event for its path carries the size and SHA-256 fastup sent.
import { isLoopbackHost } from './http.js';
import type { ApiClient } from './api-client.js';
import type { Confirmer, ExpectedCommit, StartConfirmer } from './confirmer.js';
import type { Context } from './context.js';
import { ConfirmationError } from './errors.js';
import { parseListen } from './listen-address.js';
import { formatDuration } from './units.js';
import { CommitMatcher, matches, mismatchError } from './webhook-commits.js';
import { assertReachable, detachedClient, TemporaryEndpoint } from './webhook-endpoint.js';
import { committedFile } from './webhook-event.js';
import { startWebhookListener } from './webhook-listener.js';
import { showReport } from './webhook-report.js';
import { DEFAULT_TOLERANCE_SECONDS } from './webhook-signature.js';

export const startConfirmer: StartConfirmer = async (ctx, opts) => {
  assertReachable(opts.apiUrl, opts.publicUrl, '--listen HOST:PORT');
  const address = opts.listen ? parseListen(opts.listen) : { host: '127.0.0.1', port: 0 };
  const matcher = new CommitMatcher();
  let endpoint: Promise<TemporaryEndpoint> | undefined;
  const listener = await startWebhookListener({
    host: address.host,
    port: address.port,
    // Behind --public-url a proxy may rewrite the path; the signature is what counts.
    ...(opts.publicUrl ? {} : { path: '/webhooks' }),
    secrets: async () => (await (endpoint as Promise<TemporaryEndpoint>)).secrets(),
    toleranceSeconds: DEFAULT_TOLERANCE_SECONDS,
    now: ctx.now,
    onDelivery: ({ event }) => {
      const file = committedFile(event);
      if (file) matcher.deliver(file);
      return 200;
    },
    report: (report) => showReport(ctx.ui, report),
    portFlag: '--listen',
  });
  const url = opts.publicUrl ?? listener.url;
  endpoint = TemporaryEndpoint.create(opts.client, { url, events: ['file.committed'], ttlSeconds: opts.ttlSeconds, log: (line) => ctx.ui.debug(line) });
  endpoint.catch(() => {}); // awaited just below; this only keeps an early delivery's await from going unhandled

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      removeCleanup();
      // A registration that failed left no endpoint to delete (and no warning to give).
      const registered = endpoint?.catch(() => undefined);
      const [deleted] = await Promise.allSettled([registered?.then((e) => e?.close()), listener.close()]);
      if (deleted.status === 'rejected') {
        ctx.ui.warn(`could not delete the temporary webhook endpoint (it expires by itself within ${opts.ttlSeconds} s): ${(deleted.reason as Error).message}`);
      }
    })());
  const removeCleanup = ctx.cleanups.add(close);

  try {
    const created = await endpoint;
    ctx.ui.debug(`--wait: listening on ${listener.url}, endpoint ${created.id} delivers to ${url}`);
    // Ctrl-C while the endpoint was being created: it exists now, so delete it.
    if (ctx.signal.aborted) throw ctx.signal.reason;
  } catch (err) {
    await close();
    throw err;
  }

  const confirmer: Confirmer = {
    waitFor: (expected, timeoutMs) => waitFor(ctx, opts.client, matcher, expected, timeoutMs, url),
    close,
  };
  return confirmer;
};

function waitFor(ctx: Context, client: ApiClient, matcher: CommitMatcher, expected: ExpectedCommit, timeoutMs: number, url: string): Promise<void> {
  if (ctx.signal.aborted) return Promise.reject(ctx.signal.reason as Error);
  const { done, cancel } = matcher.wait(expected);
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
      cancel();
      fn();
    };
    const onAbort = () => settle(() => reject(ctx.signal.reason as Error));
    const timer = setTimeout(() => {
      cancel();
      void timeoutError(client, expected, timeoutMs, url).then((err) => settle(() => reject(err)));
    }, timeoutMs);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    done.then(
      () => settle(resolve),
      (err: unknown) => settle(() => reject(err as Error)),
    );
  });
}

/**
 * No webhook in time: ask the API whether the file was committed, so the error says which (issue 3).
 * The reporter puts the local file name in front; the message names the remote path.
 */
async function timeoutError(client: ApiClient, expected: ExpectedCommit, timeoutMs: number, url: string): Promise<Error> {
  const waited = formatDuration(timeoutMs);
  const noWebhook = `no file.committed webhook within ${waited}`;
  let status;
  try {
    status = await detachedClient(client).fileStatus(expected.path);
  } catch (err) {
    return new ConfirmationError(`${noWebhook}, and the API could not say whether ${expected.path} was committed (${(err as Error).message})`, {
      code: 'ConfirmationTimeout',
      hint: 'raise --wait-timeout, or check the file later',
    });
  }
  if (!status) {
    return new ConfirmationError(`not committed: ${noWebhook}, and the API has no file at ${expected.path}`, {
      code: 'NotCommitted',
      hint: 'the upload did not reach the store: upload it again',
    });
  }
  const file = { path: status.path, sizeBytes: status.sizeBytes, sha256: status.sha256.toLowerCase() };
  if (!matches(expected, file)) return mismatchError(expected, file, "the API's file status");
  return new ConfirmationError(`committed intact as ${expected.path} (the API's size and sha256 match), but ${noWebhook} reached the listener at ${url}`, {
    code: 'WebhookNotReceived',
    hint: isLoopbackHost(new URL(url).hostname)
      ? 'the API cannot reach this listener: pass --public-url with an address that forwards to it (and --listen HOST:PORT to fix its port)'
      : `the API could not deliver to ${url}: check that it forwards to this listener (--listen HOST:PORT fixes its port)`,
  });
}
