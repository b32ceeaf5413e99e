// SPEC 1.1 presign-upload and 1.4 file status.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, readJsonObject, sendJson } from './http-util.js';
import { lockedError } from './locks.js';
import type { ServerCore } from './core.js';
import { requestTarget, sign, SIGNATURE_HEADER, type UploadGrant } from './signing.js';
import { invalid, optionalInteger, optionalString, requireContentType, requirePath } from './validate.js';

const DEFAULT_EXPIRES_IN = 900;
const MAX_EXPIRES_IN = 604_800;

export async function presignUpload(req: IncomingMessage, res: ServerResponse, core: ServerCore, base: string): Promise<void> {
  const body = await readJsonObject(req, res);
  const path = requirePath(body);
  const contentType = requireContentType(body);
  const expiresIn = optionalInteger(body, 'expiresIn', 1, MAX_EXPIRES_IN) ?? DEFAULT_EXPIRES_IN;
  const maxSizeBytes = optionalInteger(body, 'maxSizeBytes', 0, Number.MAX_SAFE_INTEGER) ?? core.maxFileSize;
  if (maxSizeBytes > core.maxFileSize) {
    throw new ApiError(413, 'PlanLimitExceeded', `maxSizeBytes: ${maxSizeBytes} is above the workspace's file size limit of ${core.maxFileSize} bytes`);
  }
  const lockId = optionalString(body, 'lockId');
  const held = core.locks.active(path);
  if (held ? held.lockId !== lockId : lockId !== undefined) {
    throw held ? lockedError(path) : new ApiError(409, 'Locked', `lockId: lock ${lockId} is not held on ${path} (expired or released)`);
  }
  // Whole seconds, rounded up: a URL never lives shorter than asked.
  const expires = Math.ceil(core.now() / 1000) + expiresIn;
  const grant: UploadGrant = {
    workspace: core.identity.workspace,
    path,
    expires,
    maxSizeBytes,
    contentType,
    ...(lockId ? { lockId } : {}),
  };
  const target = requestTarget(grant);
  sendJson(res, 200, {
    uploadUrl: `${base}${target}`,
    method: 'PUT',
    headers: { 'Content-Type': contentType, [SIGNATURE_HEADER]: sign(core.identity.signingSecret, 'PUT', target, contentType) },
    expiresAt: new Date(expires * 1000).toISOString().replace('.000Z', 'Z'),
  });
}

export function fileStatus(url: URL, res: ServerResponse, core: ServerCore): void {
  const path = url.searchParams.get('path');
  if (path === null) throw invalid('path', 'is required (?path=/dir/file)');
  const status = core.storage.status(path);
  if (!status) throw new ApiError(404, 'FileNotFound', `no committed file at ${path}`);
  sendJson(res, 200, status);
}
