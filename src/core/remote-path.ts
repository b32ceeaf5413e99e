// SPEC 1.1's rules for a workspace path, shared by the client (refuse before
// sending) and the dev-server (answer 400 ValidationError).

const MAX_PATH_BYTES = 1024;

/** Returns why PATH is not a valid workspace path, or undefined when it is. */
export function remotePathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return 'must start with /';
  if (Buffer.byteLength(path, 'utf8') > MAX_PATH_BYTES) return `is longer than ${MAX_PATH_BYTES} bytes`;
  if (path.length > 1 && path.endsWith('/')) return 'must not end with /';
  if (path === '/') return 'names no file';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'must not contain control characters';
  if (!path.isWellFormed()) return 'must be valid UTF-8';
  for (const segment of path.slice(1).split('/')) {
    if (segment === '') return 'must not contain an empty segment (//)';
    if (segment === '.' || segment === '..') return `must not contain a '${segment}' segment`;
  }
  return undefined;
}
