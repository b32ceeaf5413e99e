// The direct upload (SPEC 1.2): no API key, the signed URL is the permission.
// Every rejection is decided from the URL and headers before a byte of the
// body is read, so an oversized or forged upload costs the client one round
// trip (and, with Expect: 100-continue, no body at all).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { unlink } from 'node:fs/promises';
import type { ServerCore } from './core.js';
import { closeGracefully } from './early-close.js';
import { injectedError } from './faults.js';
import { ApiError, sendError, sendJson } from './http-util.js';
import { IngestAborted, ingest } from './ingest.js';
import { lockedError } from './locks.js';
import { parseGrant, sign, signaturesMatch, type UploadGrant } from './signing.js';

function mismatch(why: string): ApiError {
  return new ApiError(403, 'SignatureDoesNotMatch', `the request does not match the signed upload URL: ${why}; use the uploadUrl and headers exactly as presigned`);
}

function countHeader(req: IncomingMessage, name: string): number {
  let n = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i]?.toLowerCase() === name) n++;
  return n;
}

/** Everything that can be checked before the body: returns the grant and the declared length, or throws. */
function admit(req: IncomingMessage, core: ServerCore): { grant: UploadGrant; length: number } {
  if (req.method !== 'PUT') throw mismatch(`the URL was signed for PUT, not ${req.method}`);
  if (countHeader(req, 'content-type') > 1) throw mismatch('more than one Content-Type header');
  const given = req.headers['x-amz-signature'];
  if (given === undefined) throw mismatch('no X-Amz-Signature header');
  const target = req.url ?? '';
  const contentType = req.headers['content-type'] ?? '';
  if (typeof given !== 'string' || !signaturesMatch(sign(core.identity.signingSecret, 'PUT', target, contentType), given)) {
    throw mismatch('signature, path, query or Content-Type differ from what was signed');
  }
  const grant = parseGrant(target);
  if (!grant) throw mismatch('not an upload URL of this server');
  if (core.now() > grant.expires * 1000) {
    throw new ApiError(403, 'RequestExpired', `the upload URL expired at ${new Date(grant.expires * 1000).toISOString()}; presign a new one`);
  }
  if (grant.workspace !== core.identity.workspace) throw new ApiError(404, 'WorkspaceNotFound', `no workspace ${grant.workspace}`);
  const declared = req.headers['content-length'];
  if (declared === undefined || req.headers['transfer-encoding'] !== undefined) {
    throw new ApiError(411, 'MissingContentLength', 'send the body with a Content-Length header (chunked uploads are not accepted)');
  }
  const length = Number(declared);
  const limit = Math.min(grant.maxSizeBytes, core.maxFileSize);
  if (length > limit) throw new ApiError(413, 'EntityTooLarge', `the body of ${length} bytes is larger than this URL allows (${limit} bytes)`);
  if (!core.locks.permits(grant.path, grant.lockId)) throw lockedError(grant.path);
  return { grant, length };
}

export async function handleUpload(req: IncomingMessage, res: ServerResponse, core: ServerCore): Promise<void> {
  // Preflights carry no credentials and are never signature-checked (SPEC 1.2).
  if (req.method === 'OPTIONS') {
    core.cors.preflight(req, res);
    return;
  }
  core.cors.decorate(req, res);
  const delay = req.method === 'PUT' ? (core.faults.take('put-delay')?.value ?? 0) : 0;
  const answer = async (send: () => void): Promise<void> => {
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    if (!res.destroyed) send();
  };

  let admitted: { grant: UploadGrant; length: number };
  try {
    const injected = req.method === 'PUT' ? core.faults.take('put-status') : undefined;
    if (injected) throw injectedError(injected.value, injected.retryAfter, 'put-status');
    admitted = admit(req, core);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    closeGracefully(req, res);
    await answer(() => sendError(res, err));
    return;
  }
  const { grant, length } = admitted;
  if (req.headers.expect?.toLowerCase() === '100-continue') res.writeContinue();

  const { path: tempPath, reuse } = await core.storage.takeTempFile(length);
  let received;
  try {
    received = await ingest(req, tempPath, {
      reuse,
      expectedBytes: length,
      throttleBytesPerSecond: core.faults.take('put-throttle')?.value,
      resetAfterBytes: core.faults.take('put-reset-after')?.value,
    });
  } catch (err) {
    await unlink(tempPath).catch(() => {});
    // The client is gone: nothing was committed and there is nobody to answer.
    if (err instanceof IngestAborted) {
      req.socket.destroy();
      return;
    }
    throw err;
  }
  // A lock taken while the body was on its way still wins over this URL.
  if (!core.locks.permits(grant.path, grant.lockId)) {
    await unlink(tempPath).catch(() => {});
    await answer(() => sendError(res, lockedError(grant.path)));
    return;
  }
  const entry = await core.storage.commit(
    { tempPath, path: grant.path, sizeBytes: received.sizeBytes, contentType: grant.contentType, sha256: received.sha256 },
    core.webhooks.targetsFor('file.committed'),
  );
  if (entry.targets.length > 0) core.delivery.enqueue(entry);
  const { path, sizeBytes, contentType, sha256 } = entry.file;
  await answer(() => sendJson(res, 200, { path, sizeBytes, contentType, sha256 }));
}
