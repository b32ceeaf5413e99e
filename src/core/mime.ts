// Content type from the file name's extension (the `mime` package's database),
// application/octet-stream when it has none we know. Loaded on demand: the
// database is only needed by commands that upload.

export type ContentTypeOf = (fileName: string) => string;

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

export async function loadContentTypes(): Promise<ContentTypeOf> {
  const { default: mime } = await import('mime');
  return (fileName) => mime.getType(fileName) ?? DEFAULT_CONTENT_TYPE;
}

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const MIME = new RegExp(`^${TOKEN}/${TOKEN}(\\s*;\\s*${TOKEN}=(${TOKEN}|"([\\t\\x20-\\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\[\\t\\x20-\\x7e])*"))*$`);
const MAX_CONTENT_TYPE = 255;

/**
 * SPEC 1.1: `type/subtype` with optional `; name=value` parameters, as a header
 * can carry it unchanged. One rule for the client (refuse before sending) and
 * the dev-server (400 ValidationError).
 */
export function contentTypeProblem(value: string): string | undefined {
  if (value.length > MAX_CONTENT_TYPE) return `is longer than ${MAX_CONTENT_TYPE} characters`;
  if (!MIME.test(value)) return 'must be a MIME type such as application/pdf or text/plain; charset=utf-8';
  return undefined;
}

export function isContentType(value: string): boolean {
  return contentTypeProblem(value) === undefined;
}
