// SPEC 1.2: the upload URL is sent byte for byte. A WHATWG parser (new URL,
// undici.request(url), fetch) would resolve %2e%2e, turn \ into / and so
// break the signature, so the URL is split by hand into the origin (which undici
// may parse) and the request-target (which it sends exactly as given).
import { UsageError } from '../errors.js';

export interface SplitUrl {
  /** scheme://host[:port], scheme lower-cased. */
  origin: string;
  /** The request-target exactly as in the URL (path and query), "/" when empty. */
  path: string;
  host: string;
}

const AUTHORITY = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~%!$&'()*+,;=-]+)(?::\d{1,5})?$/;

function bad(reason: string): UsageError {
  return new UsageError(`the upload URL ${reason}`, {
    code: 'InvalidUploadUrl',
    hint: 'use the uploadUrl exactly as the presign returned it',
  });
}

export function splitUploadUrl(url: string): SplitUrl {
  const match = /^(https?):\/\/([^/?#\\]*)(.*)$/is.exec(url);
  if (!match) throw bad('must be an absolute http:// or https:// URL');
  const [, scheme = '', authority = '', rest = ''] = match;
  if (authority.includes('@')) throw bad('must not carry a user name or password');
  if (!AUTHORITY.test(authority)) throw bad(`has an invalid host '${authority}'`);
  const port = /:(\d+)$/.exec(authority)?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) throw bad(`has an invalid port ${port}`);
  // A fragment never goes on the wire; everything before it does, untouched.
  const hash = rest.indexOf('#');
  let path = hash === -1 ? rest : rest.slice(0, hash);
  // Bytes outside printable ASCII cannot be sent "as is" in a request line.
  if (/[^\x21-\x7e]/.test(path)) throw bad('contains spaces, control or non-ASCII characters (they must be percent-encoded)');
  if (path === '' || path.startsWith('?')) path = `/${path}`;
  return { origin: `${scheme.toLowerCase()}://${authority}`, path, host: authority };
}
