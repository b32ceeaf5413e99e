import type { Command } from 'commander';
import { bashScript } from './bash.js';
import { fishScript } from './fish.js';
import { commandModel } from './model.js';
import { zshScript } from './zsh.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** File names under completions/ for each shell. */
export const COMPLETION_FILES: Record<Shell, string> = { bash: 'fastup.bash', zsh: '_fastup', fish: 'fastup.fish' };

export function completionScript(program: Command, shell: Shell): string {
  const model = commandModel(program);
  return shell === 'bash' ? bashScript(model) : shell === 'zsh' ? zshScript(model) : fishScript(model);
}
