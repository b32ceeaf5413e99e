// Placeholder until this command lands; replaced by its implementation.
import { FastupError } from '../core/errors.js';
export async function upload(..._args: unknown[]): Promise<void> {
  throw new FastupError('upload is not implemented yet', 1);
}
