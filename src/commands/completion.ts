// Placeholder until this command lands; replaced by its implementation.
import { FastupError } from '../core/errors.js';
export async function completion(..._args: unknown[]): Promise<void> {
  throw new FastupError('completion is not implemented yet', 1);
}
