// What a real (not --dry-run) upload run talks to: the shared pool, the API
// session when fastup presigns, locks or confirms, and the --wait confirmer,
// each closed again however the run ends (ctx.cleanups covers Ctrl-C).
import type { Dispatcher } from 'undici';
import type { ApiSession } from '../session.js';
import { openApiSession, type Settings } from '../session.js';
import type { Confirmer } from '../confirmer.js';
import type { Context } from '../context.js';
import { ConfigError } from '../errors.js';
import type { UploadTarget } from '../presigned-input.js';
import type { UploadOptions } from './options.js';
import { createUploadDispatcher } from './upload-dispatcher.js';

export interface UploadServices {
  dispatcher: Dispatcher;
  session?: ApiSession;
  confirmer?: Confirmer;
  /** Refuses a presign that would carry the API key to the upload host. */
  checkTarget(target: UploadTarget): void;
  close(): Promise<void>;
}

export async function openUploadServices(
  ctx: Context,
  opts: UploadOptions,
  settings: Settings,
  needsApi: boolean,
  ttlSeconds: number,
): Promise<UploadServices> {
  const dispatcher = await createUploadDispatcher({
    connectTimeoutMs: Math.min(15_000, opts.timeoutMs),
    idleTimeoutMs: opts.timeoutMs,
    connections: opts.concurrency + 2,
  });
  let confirmer: Confirmer | undefined;
  const close = async (): Promise<void> => {
    await confirmer?.close();
    await (ctx.signal.aborted ? dispatcher.destroy() : dispatcher.close());
  };
  const unregister = ctx.cleanups.add(close);
  const services: UploadServices = {
    dispatcher,
    checkTarget: () => undefined,
    close: async () => {
      unregister();
      await close();
    },
  };
  try {
    if (!needsApi) return services;
    const session = await openApiSession(ctx, dispatcher, { retries: opts.retries, settings });
    const apiKey = session.settings.get('api-key') as string;
    services.session = session;
    services.checkTarget = (target) => {
      if (target.uploadUrl.includes(apiKey) || Object.values(target.headers).some((v) => v.includes(apiKey))) {
        throw new ConfigError('refusing to upload: the presigned URL or headers contain the API key', {
          code: 'KeyInPresign',
          hint: 'the API key must never go to the upload host; check --api-url points at the Fastio API',
        });
      }
    };
    if (opts.wait) {
      const { startConfirmer } = await import('../webhook-confirmer.js');
      confirmer = await startConfirmer(ctx, {
        client: session.client,
        apiUrl: session.apiUrl,
        ...(opts.listen === undefined ? {} : { listen: opts.listen }),
        ...(opts.publicUrl === undefined ? {} : { publicUrl: opts.publicUrl }),
        ttlSeconds,
      });
      services.confirmer = confirmer;
    }
    return services;
  } catch (err) {
    await services.close();
    throw err;
  }
}
