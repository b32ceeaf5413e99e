// Every command's --help as commander prints it into a pipe or a file (80
// columns, no colour), rendered once by `npm run build` into dist/help.json.
// bin/fastup.js answers `fastup [COMMAND...] --help` from it when stdout is
// not a terminal, without loading the CLI (issue 6: --help within 1.5 x
// `node -e 0`). On a terminal commander renders it live, to the window's width.
import type { Command } from 'commander';
import { buildProgram } from './program.js';

export function helpTexts(version: string): Record<string, string> {
  const program = buildProgram(version, () => Promise.reject(new Error('help texts run no command')));
  const texts: Record<string, string> = {};
  const walk = (cmd: Command, path: string[]): void => {
    // As commander does for a non-terminal stdout (80 columns, no colour), whatever the build's own stdout is.
    cmd.configureOutput({ getOutHelpWidth: () => 80, getOutHasColors: () => false });
    texts[path.join(' ')] = cmd.helpInformation();
    for (const sub of cmd.commands) walk(sub, [...path, sub.name()]);
  };
  walk(program, []);
  return texts;
}
