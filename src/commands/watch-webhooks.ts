// Placeholder until this command lands; replaced by its implementation.
import { FastupError } from '../core/errors.js';
export async function watchWebhooks(..._args: unknown[]): Promise<void> {
  throw new FastupError('watch-webhooks is not implemented yet', 1);
}
