// The outermost layer: builds the context, runs the program, turns whatever
// went wrong into one line and an exit code. The only place that exits.
import { readFileSync } from 'node:fs';
import { CommanderError, type Command } from 'commander';
import { buildProgram } from './program.js';
import { Cleanups, type Context, type GlobalOptions } from './core/context.js';
import { ExitCode, FastupError, InterruptedError, ReportedError, UsageError, outputError, toFastupError, type StopReason } from './core/errors.js';
import type { Ui } from './core/output/ui.js';

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

const controller = new AbortController();
const cleanups = new Cleanups();
let ui: Ui | undefined;

function globalsOf(cmd: Command): GlobalOptions {
  let root = cmd;
  while (root.parent) root = root.parent;
  const o = root.opts<Record<string, unknown>>();
  return {
    apiUrl: o.apiUrl as string | undefined,
    apiKey: o.apiKey as string | undefined,
    workspace: o.workspace as string | undefined,
    profile: o.profile as string | undefined,
    json: Boolean(o.json),
    quiet: Boolean(o.quiet),
    verbose: Boolean(o.verbose),
    color: o.color === false ? false : undefined,
    allowInsecureHttp: Boolean(o.allowInsecureHttp),
  };
}

// Loaded on first use: `--help` and `--version` never need colours (start-up time).
async function makeUi(globals: Pick<GlobalOptions, 'json' | 'quiet' | 'verbose' | 'color'>): Promise<Ui> {
  const { Ui } = await import('./core/output/ui.js');
  return new Ui({ stdout: process.stdout, stderr: process.stderr, env: process.env, ...globals });
}

async function makeContext(cmd: Command): Promise<Context> {
  const globals = globalsOf(cmd);
  ui = await makeUi(globals);
  ui.addSecret(globals.apiKey);
  ui.addSecret(process.env.FASTUP_API_KEY);
  return {
    env: process.env,
    cwd: process.cwd(),
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    globals,
    ui,
    now: Date.now,
    signal: controller.signal,
    cleanups,
  };
}

/** Before a command's Ui exists (a bad flag), judge --json and friends from argv. */
function fallbackUi(argv: string[]): Promise<Ui> {
  return makeUi({
    json: argv.includes('--json'),
    quiet: argv.includes('--quiet') || argv.includes('-q'),
    verbose: argv.includes('--verbose'),
    color: argv.includes('--no-color') ? false : undefined,
  });
}

function fromCommander(err: CommanderError): FastupError | number {
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return ExitCode.ok;
  // `fastup help [COMMAND]` asked for it (exit 0); a bare `fastup` gets it on stderr as a usage error.
  if (err.code === 'commander.help') return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  // One line, always: commander puts its "Did you mean" suggestion on a second one.
  const message = err.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ');
  return new UsageError(message, { code: 'UsageError', hint: 'see fastup --help' });
}

let signalled: StopReason | undefined;
let signalledAt = 0;
/** Why the run was cut short from outside the command: a signal, a reader gone, a stdout that fails. */
let stopped: FastupError | undefined;

/** Commands end promptly on abort and run their clean-ups; this only guards against one that does not. */
function stop(reason: FastupError): void {
  stopped = reason;
  controller.abort(reason);
  setTimeout(() => {
    void cleanups.run().finally(() => process.exit(reason.exitCode));
  }, 10_000).unref();
}

// conf's atomic writer (atomically -> when-exit) answers a signal by sending the
// same signal to this process again, within milliseconds. That echo is not a
// user pressing Ctrl-C twice, so it must not cut the cleanups short.
const ECHO_WINDOW_MS = 500;
function onSignal(signal: StopReason): void {
  const code = new InterruptedError(signal).exitCode;
  if (signalled) {
    if (Date.now() - signalledAt < ECHO_WINDOW_MS) return;
    // A second Ctrl-C means now: no more waiting for cleanups.
    process.exit(code);
  }
  signalled = signal;
  signalledAt = Date.now();
  stop(new InterruptedError(signal));
}
process.on('SIGINT', () => onSignal('SIGINT'));
process.on('SIGTERM', () => onSignal('SIGTERM'));
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (stopped) return;
  if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') {
    // `fastup ... | head -1`: once the reader is gone, stop like a signal would,
    // with the same clean-ups (spool, temporary endpoint), instead of crashing on EPIPE.
    onSignal('SIGPIPE');
  } else {
    // `> /dev/full`, a broken device: the same clean-ups, then one line on stderr.
    stop(outputError(err));
  }
});
// A closed stderr has nobody left to tell; nothing to do but carry on.
process.stderr.on('error', () => {});

async function flush(stream: NodeJS.WritableStream): Promise<void> {
  await new Promise<void>((resolve) => stream.write('', () => resolve()));
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram(version, makeContext);
  try {
    await program.parseAsync(argv, { from: 'user' });
    if (stopped) throw stopped;
    return ExitCode.ok;
  } catch (caught) {
    let err: FastupError;
    if (caught instanceof CommanderError) {
      const mapped = fromCommander(caught);
      if (typeof mapped === 'number') return mapped;
      err = mapped;
    } else if (stopped) {
      // Whatever the abort broke on its way out, the user's story is why it came.
      err = stopped;
    } else {
      err = toFastupError(caught);
    }
    // Ctrl-C is the user's own doing, and the normal way to stop a server or a
    // listener: the exit code says it; commands print what was left undone.
    const quiet = err instanceof ReportedError || (err instanceof InterruptedError && !argv.includes('--verbose'));
    if (!quiet) (ui ?? (await fallbackUi(argv))).error(err);
    return err.exitCode;
  } finally {
    await cleanups.run();
  }
}

const argv = process.argv.slice(2);
const code = await main(argv);
await flush(process.stdout);
// The command was done, but its last output did not get out (help into a closed pipe or a full disk).
// Had the stop come earlier, main() would have thrown it and said it already.
const late = code === ExitCode.ok ? stopped : undefined;
if (late && !(late instanceof InterruptedError)) (ui ?? (await fallbackUi(argv))).error(late);
await flush(process.stderr);
process.exit(late ? late.exitCode : code);
