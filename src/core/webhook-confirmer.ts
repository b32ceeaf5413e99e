// Placeholder until upload --wait lands; replaced by its implementation.
import { FastupError } from './errors.js';
import type { StartConfirmer } from './confirmer.js';

export const startConfirmer: StartConfirmer = async () => {
  throw new FastupError('upload --wait is not implemented yet', 1);
};
