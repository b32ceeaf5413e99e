// The command tree as completion scripts need it, read from the commander
// definitions so the scripts can never drift from the real options.
import type { Command, Option } from 'commander';

export type ValueKind = 'none' | 'file' | 'dir' | 'any';

export interface OptionModel {
  short?: string;
  long?: string;
  kind: ValueKind;
  description: string;
}

export interface CommandModel {
  name: string;
  description: string;
  options: OptionModel[];
  subcommands: CommandModel[];
  /** What positional arguments complete to. */
  args: { kind: 'files' } | { kind: 'choices'; values: string[] } | { kind: 'none' };
}

// Options whose values are paths on this machine.
const FILE_VALUES = new Set(['--presigned', '--file']);
const DIR_VALUES = new Set(['--data-dir']);
// Positional choices commander does not know about.
const ARG_CHOICES: Record<string, string[]> = { completion: ['bash', 'zsh', 'fish'] };
const FILE_ARGS = new Set(['upload']);

function optionModel(option: Option): OptionModel {
  const long = option.long ?? undefined;
  const takesValue = option.required || option.optional;
  const kind: ValueKind = !takesValue ? 'none' : long && FILE_VALUES.has(long) ? 'file' : long && DIR_VALUES.has(long) ? 'dir' : 'any';
  return {
    ...(option.short ? { short: option.short } : {}),
    ...(long ? { long } : {}),
    kind,
    description: option.description,
  };
}

export function commandModel(command: Command): CommandModel {
  const name = command.name();
  const visible = command.options.filter((o) => !o.hidden);
  return {
    name,
    description: command.description(),
    options: [...visible.map(optionModel), { short: '-h', long: '--help', kind: 'none', description: 'show help' }],
    subcommands: command.commands.filter((c) => c.name() !== 'help').map(commandModel),
    args: FILE_ARGS.has(name)
      ? { kind: 'files' }
      : ARG_CHOICES[name]
        ? { kind: 'choices', values: ARG_CHOICES[name] }
        : { kind: 'none' },
  };
}

export function flagsOf(option: OptionModel): string[] {
  return [option.short, option.long].filter((f): f is string => Boolean(f));
}

/** Every option that takes a value, anywhere in the tree (scripts skip their values). */
export function valueOptions(root: CommandModel): string[] {
  const all = new Set<string>();
  const walk = (c: CommandModel): void => {
    for (const o of c.options) if (o.kind !== 'none') for (const f of flagsOf(o)) all.add(f);
    c.subcommands.forEach(walk);
  };
  walk(root);
  return [...all].sort();
}
