// Placeholder until this command lands; replaced by its implementation.
import { FastupError } from '../core/errors.js';
export async function configSet(..._args: unknown[]): Promise<void> {
  throw new FastupError('config is not implemented yet', 1);
}
export async function configGet(..._args: unknown[]): Promise<void> {
  throw new FastupError('config is not implemented yet', 1);
}
export async function configUnset(..._args: unknown[]): Promise<void> {
  throw new FastupError('config is not implemented yet', 1);
}
export async function configList(..._args: unknown[]): Promise<void> {
  throw new FastupError('config is not implemented yet', 1);
}
export async function configPath(..._args: unknown[]): Promise<void> {
  throw new FastupError('config is not implemented yet', 1);
}
