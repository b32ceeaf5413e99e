// Secrets are shown as their prefix and last four characters (fio_…9f2c), enough
// to tell two keys apart, never enough to use one.

export function redact(secret: string): string {
  if (secret.length <= 8) return '…';
  const prefix = /^[a-z]+_/.exec(secret)?.[0] ?? '';
  return `${prefix}…${secret.slice(-4)}`;
}

export function redactSecrets(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(redact(secret));
  }
  return out;
}

/** Drops the query of a URL (it may carry a signature) for logs. */
export function urlForLog(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : `${url.slice(0, q)}?…`;
}
