// The one place that writes to the terminal. Results go to stdout, everything
// else to stderr; under --json stdout carries only JSON lines. The core never
// prints: it returns results or emits events that a command hands to the Ui.
import type { ChalkInstance } from 'chalk';
import { chalkFor } from './color.js';
import type { FastupError } from '../errors.js';
import { redactSecrets } from '../redact.js';

/** Control characters shown as \n, \x1b, ...: text from outside never drives the terminal. */
export function escapeControl(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) =>
    ch === '\n' ? '\\n' : ch === '\r' ? '\\r' : ch === '\t' ? '\\t' : `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

export interface UiOptions {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  color?: boolean;
}

export class Ui {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
  /** Colours for stderr (diagnostics, progress). */
  readonly c: ChalkInstance;
  readonly stderrIsTTY: boolean;
  private readonly secrets = new Set<string>();

  constructor(private readonly opts: UiOptions) {
    this.json = opts.json;
    this.quiet = opts.quiet;
    this.verbose = opts.verbose;
    this.c = chalkFor(opts.stderr, opts.env, opts.color);
    this.stderrIsTTY = Boolean(opts.stderr.isTTY);
  }

  /** Registers a secret (the API key in use) that must never reach any output. */
  addSecret(secret: string | undefined): void {
    if (secret && secret.length >= 4) this.secrets.add(secret);
  }

  private clean(text: string): string {
    return redactSecrets(text, this.secrets);
  }

  /**
   * One line, safe for a terminal: a file name or a server's message can hold a
   * newline or escape sequences (clear screen, set title, colours); those are
   * shown escaped, never sent. Our own colours are added after this.
   */
  private line(text: string): string {
    return escapeControl(this.clean(text));
  }

  /** A human result line on stdout (suppressed under --json). */
  result(text: string): void {
    if (this.json) return;
    this.opts.stdout.write(`${this.line(text)}\n`);
  }

  /** One compact JSON document per line on stdout. */
  jsonLine(value: unknown): void {
    this.opts.stdout.write(`${this.clean(JSON.stringify(value))}\n`);
  }

  /** Raw text on stdout, e.g. a presign document or a completion script. */
  raw(text: string): void {
    this.opts.stdout.write(this.clean(text));
  }

  /** Progress and status lines on stderr; --quiet silences them. */
  info(text: string): void {
    if (this.quiet) return;
    this.opts.stderr.write(`${this.line(text)}\n`);
  }

  warn(text: string): void {
    if (this.quiet) return;
    this.opts.stderr.write(`${this.c.yellow('warning: ')}${this.line(text)}\n`);
  }

  /** Details of the HTTP exchange and stacks: only with --verbose. */
  debug(text: string): void {
    if (!this.verbose) return;
    this.opts.stderr.write(`${this.c.dim(this.line(text))}\n`);
  }

  /**
   * One failure: a short line on stderr (or the JSON error object under --json).
   * `subject` names the file or thing it concerns.
   */
  error(err: FastupError, subject?: string): void {
    if (this.json) {
      const json = err.toJSON();
      const named = subject ? { ...json, message: `${subject}: ${json.message}` } : json;
      this.opts.stderr.write(`${this.clean(JSON.stringify({ error: named }))}\n`);
    } else {
      const what = subject ? `${subject}: ${err.message}` : err.message;
      const hint = err.hint ? ` (${err.hint})` : '';
      this.opts.stderr.write(`${this.c.red('error:')} ${this.line(`${what}${hint}`)}\n`);
    }
    if (this.verbose && err.stack) {
      const cause = err.cause instanceof Error && err.cause.stack ? `\ncaused by: ${err.cause.stack}` : '';
      this.opts.stderr.write(`${this.clean(this.c.dim(err.stack + cause))}\n`);
    }
  }
}
