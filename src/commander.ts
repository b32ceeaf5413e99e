// commander is CommonJS. Loaded with require it skips the ESM loader's
// translation step (about 3 ms of every start-up, issue 6: `fastup --help` is
// measured against `node -e 0`).
import { createRequire } from 'node:module';

const commander = createRequire(import.meta.url)('commander') as typeof import('commander');

export const { Command, Option, CommanderError } = commander;
export type { CommanderError as CommanderErrorType } from 'commander';
