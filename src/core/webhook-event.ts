// The event a verified delivery carries (SPEC 1.3). Parsed only after the
// signature over the raw bytes has been checked, and loosely: unknown event
// types and extra fields pass through untouched.

export interface WebhookEvent {
  id?: string;
  type: string;
  createdAt?: string;
  data?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface CommittedFile {
  path: string;
  sizeBytes: number;
  sha256: string;
  contentType?: string;
}

/** The JSON object in `raw`, or undefined when it is not an event object. */
export function parseEvent(raw: Buffer): WebhookEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const event = value as Record<string, unknown>;
  if (typeof event.type !== 'string') return undefined;
  if (event.id !== undefined && typeof event.id !== 'string') return undefined;
  return event as WebhookEvent;
}

/** The committed file of a file.committed event, when its data has the fields. */
export function committedFile(event: WebhookEvent): CommittedFile | undefined {
  if (event.type !== 'file.committed' || !event.data) return undefined;
  const { path, sizeBytes, sha256, contentType } = event.data;
  if (typeof path !== 'string' || typeof sizeBytes !== 'number' || typeof sha256 !== 'string') return undefined;
  return { path, sizeBytes, sha256: sha256.toLowerCase(), ...(typeof contentType === 'string' ? { contentType } : {}) };
}

/** Whether an event type is wanted: a list of types, `*` for all. */
export function wantsEvent(events: readonly string[], type: string): boolean {
  return events.includes('*') || events.includes(type);
}
