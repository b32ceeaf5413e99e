// SPEC 2: --no-color > NO_COLOR > FORCE_COLOR > whether the stream is a terminal.
// Decided here for each stream, because chalk judges by stdout and ignores NO_COLOR.
import { Chalk, type ChalkInstance } from 'chalk';

export function colorLevel(
  stream: { isTTY?: boolean },
  env: NodeJS.ProcessEnv,
  flag: boolean | undefined,
): 0 | 1 | 2 | 3 {
  if (flag === false) return 0;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    if (force === '2') return 2;
    if (force === '3') return 3;
    return 1;
  }
  return stream.isTTY ? 1 : 0;
}

export function chalkFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, flag: boolean | undefined): ChalkInstance {
  return new Chalk({ level: colorLevel(stream, env, flag) });
}
