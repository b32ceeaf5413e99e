// Placeholder until this command lands; replaced by its implementation.
import { FastupError } from '../core/errors.js';
export async function presign(..._args: unknown[]): Promise<void> {
  throw new FastupError('presign is not implemented yet', 1);
}
