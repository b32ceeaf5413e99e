// Every failure fastup reports is one of these: the exit code and the hint travel
// with the error, so the outermost layer (cli.ts) is the only place that decides
// how a failure looks and which code the process ends with. SPEC 2.2.

export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  config: 3,
  localFile: 4,
  rejected: 5,
  network: 6,
  confirmation: 7,
  sigint: 130,
  sigterm: 143,
  /** The reader of stdout went away (`fastup ... | head -1`), as SIGPIPE ends other tools. */
  sigpipe: 141,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface ErrorDetails {
  /** Machine-readable code: the API's or the upload host's when it gave one. */
  code?: string;
  /** What to do about it, in the user's terms. */
  hint?: string;
  cause?: unknown;
}

export interface ErrorJson {
  code: string;
  message: string;
  hint: string;
  exitCode: number;
}

// SPEC 2.2's JSON errors always carry a hint; these stand in where the error
// itself has nothing more specific to say.
const DEFAULT_HINTS: Record<number, string> = {
  [ExitCode.internal]: 'this is a bug in fastup: run again with --verbose and report the output',
  [ExitCode.usage]: 'see fastup --help',
  [ExitCode.config]: "check the settings with 'fastup config list'",
  [ExitCode.localFile]: 'check the local file and try again',
  [ExitCode.rejected]: 'presign again and upload the file as presigned',
  [ExitCode.network]: 'check the network and the server, then try again',
  [ExitCode.confirmation]: 'check the file status, then upload again',
  [ExitCode.sigint]: 'run the command again to finish what was not done',
  [ExitCode.sigterm]: 'run the command again to finish what was not done',
  [ExitCode.sigpipe]: 'read the whole output, or run the command again',
};

export class FastupError extends Error {
  readonly exitCode: number;
  readonly code: string;
  readonly hint: string | undefined;

  constructor(message: string, exitCode: number, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.code = details.code ?? new.target.name;
    this.hint = details.hint;
  }

  toJSON(): ErrorJson {
    return {
      code: this.code,
      message: this.message,
      hint: this.hint ?? DEFAULT_HINTS[this.exitCode] ?? 'see fastup --help',
      exitCode: this.exitCode,
    };
  }
}

/** Bad flag, argument, path, size, duration, presign JSON; API 400. Exit 2. */
export class UsageError extends FastupError {
  constructor(message: string, details?: ErrorDetails) {
    super(message, ExitCode.usage, details);
  }
}

/** No key or workspace, 401/403, unknown workspace, unsafe config file. Exit 3. */
export class ConfigError extends FastupError {
  constructor(message: string, details?: ErrorDetails) {
    super(message, ExitCode.config, details);
  }
}

/** Local file missing, unreadable, not a regular file, changed while uploading. Exit 4. */
export class LocalFileError extends FastupError {
  constructor(message: string, details?: ErrorDetails) {
    super(message, ExitCode.localFile, details);
  }
}

/** Refused by the upload host or the API (signature, expiry, size, lock, plan). Exit 5. */
export class RejectedError extends FastupError {
  constructor(message: string, details?: ErrorDetails) {
    super(message, ExitCode.rejected, details);
  }
}

/** DNS, refused, reset, timeout, 5xx, 429 after every retry. Exit 6. */
export class NetworkError extends FastupError {
  constructor(message: string, details?: ErrorDetails) {
    super(message, ExitCode.network, details);
  }
}

/** No webhook before the timeout, or the webhook's size/hash disagree. Exit 7. */
export class ConfirmationError extends FastupError {
  constructor(message: string, details?: ErrorDetails) {
    super(message, ExitCode.confirmation, details);
  }
}

/** SIGINT (130) or SIGTERM (143). */
export type StopReason = 'SIGINT' | 'SIGTERM' | 'SIGPIPE';

const STOPS: Record<StopReason, [string, number, string]> = {
  SIGINT: ['interrupted', ExitCode.sigint, 'Interrupted'],
  SIGTERM: ['terminated', ExitCode.sigterm, 'Terminated'],
  SIGPIPE: ['the program reading the output went away', ExitCode.sigpipe, 'OutputClosed'],
};

export class InterruptedError extends FastupError {
  constructor(signal: StopReason) {
    const [message, exitCode, code] = STOPS[signal];
    super(message, exitCode, { code });
  }
}

/** `> /dev/full`, a broken device: the run stops as for a signal, but it is a local failure (exit 4). */
export function outputError(cause: NodeJS.ErrnoException): LocalFileError {
  return new LocalFileError(`cannot write to standard output: ${cause.code ?? cause.message}`, {
    code: 'OutputError',
    hint: 'free some space, or send the output somewhere else',
    cause,
  });
}

const STOP_CODES = new Set<string>([...Object.values(STOPS).map(([, , code]) => code), 'OutputError']);

/** A stop from outside the command (a signal, a reader gone, a stdout that fails): said once for the run, not per file. */
export function isStop(err: FastupError | undefined): boolean {
  return err !== undefined && STOP_CODES.has(err.code);
}

/**
 * The failure was already reported (e.g. per file, as each file failed):
 * the CLI only has to exit with this code and print nothing more.
 */
export class ReportedError extends FastupError {
  constructor(exitCode: number) {
    super('already reported', exitCode, { code: 'Reported' });
  }
}

export function isFastupError(err: unknown): err is FastupError {
  return err instanceof FastupError;
}

/** Anything not a FastupError is a bug: exit 1, and say so. */
export function toFastupError(err: unknown): FastupError {
  if (err instanceof FastupError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new FastupError(`internal error: ${message}`, ExitCode.internal, {
    code: 'InternalError',
    hint: 'this is a bug in fastup: run again with --verbose and report the output',
    cause: err,
  });
}
