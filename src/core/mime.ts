// Content type from the file name's extension (the `mime` package's database),
// application/octet-stream when it has none we know. Loaded on demand: the
// database is only needed by commands that upload.

export type ContentTypeOf = (fileName: string) => string;

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

export async function loadContentTypes(): Promise<ContentTypeOf> {
  const { default: mime } = await import('mime');
  return (fileName) => mime.getType(fileName) ?? DEFAULT_CONTENT_TYPE;
}

/** SPEC 1.1: `type/subtype`, parameters allowed. */
export function isContentType(value: string): boolean {
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+(\s*;.*)?$/.test(value) && !/[\r\n\0]/.test(value);
}
