// `fastup completion bash|zsh|fish`: the script, generated from the program itself.
import type { Context } from '../core/context.js';
import { UsageError } from '../core/errors.js';
import { SHELLS, completionScript, type Shell } from '../core/completion/index.js';
import { buildProgram } from '../program.js';

export async function completion(shell: string, ctx: Context): Promise<void> {
  if (!(SHELLS as readonly string[]).includes(shell)) {
    throw new UsageError(`unknown shell '${shell}'`, { code: 'UnknownShell', hint: `choose one of ${SHELLS.join(', ')}` });
  }
  const program = buildProgram('0', async () => {
    throw new Error('completion never runs a command');
  });
  ctx.ui.raw(completionScript(program, shell as Shell));
}
