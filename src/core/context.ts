// What a command needs from the outside world, passed in rather than reached for,
// so tests can give a command other streams, another clock or another environment.
import type { Ui } from './output/ui.js';

export interface GlobalOptions {
  apiUrl?: string;
  apiKey?: string;
  workspace?: string;
  profile?: string;
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  /** false when --no-color was given; undefined otherwise. */
  color?: boolean;
  /** Permit the API key over plain http to a non-loopback host. */
  allowInsecureHttp: boolean;
}

export interface Context {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  globals: GlobalOptions;
  ui: Ui;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** Aborted on SIGINT/SIGTERM; long work must stop promptly when it fires. */
  signal: AbortSignal;
  /**
   * Cleanups that must run however the process ends (temporary webhook
   * endpoints, spool files, progress bars). cli.ts runs them on exit and on signals.
   */
  cleanups: Cleanups;
}

export class Cleanups {
  private readonly tasks = new Set<() => unknown>();

  add(task: () => unknown): () => void {
    this.tasks.add(task);
    return () => this.tasks.delete(task);
  }

  /** Runs every task once, newest first; a failing task does not stop the others. */
  async run(): Promise<void> {
    const tasks = [...this.tasks].reverse();
    this.tasks.clear();
    for (const task of tasks) {
      try {
        await task();
      } catch {
        // A cleanup that fails must not hide the error that got us here.
      }
    }
  }
}
