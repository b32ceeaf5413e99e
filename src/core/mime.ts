// Content-Type from a file name's extension (the mime package's standard table).
import mime from 'mime';

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

export function contentTypeFor(fileName: string): string {
  return mime.getType(fileName) ?? DEFAULT_CONTENT_TYPE;
}
