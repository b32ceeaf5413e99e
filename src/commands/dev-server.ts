// Placeholder until this command lands; replaced by its implementation.
import { FastupError } from '../core/errors.js';
export async function devServer(..._args: unknown[]): Promise<void> {
  throw new FastupError('dev-server is not implemented yet', 1);
}
