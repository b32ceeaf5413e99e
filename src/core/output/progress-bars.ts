// Progress on a terminal (issue 4): cli-progress multi-bar on stderr, one bar
// per file in flight plus a total with bytes, rate and ETA. cli-progress writes
// to stdout and redraws by moving the cursor, so it is pointed at stderr and
// every other line printed while it runs goes through `ui` (a Ui whose
// streams feed the bars' log, printed above the bars at the next redraw).
import type { GenericFormatter, MultiBar, Params, SingleBar } from 'cli-progress';
import type { UploadEvent } from '../transfer/events.js';
import { formatBytes, formatDuration } from '../units.js';
import { escapeControl, type Ui } from './ui.js';

type Writable = NodeJS.WritableStream & { isTTY?: boolean };
export type UiFactory = (streams: { stdout: Writable; stderr: Writable }) => Ui;

interface Payload {
  label: string;
  total?: boolean;
}

const BAR_WIDTH = 20;

function fit(raw: string, width: number): string {
  const text = escapeControl(raw);
  return text.length > width ? `…${text.slice(text.length - width + 1)}` : text.padEnd(width);
}

function rateOf(params: Params): number {
  return (params.value * 1000) / Math.max(1, Date.now() - params.startTime);
}

export class ProgressBars {
  readonly ui: Ui;
  private readonly bars = new Map<number, SingleBar>();
  private readonly total: SingleBar;
  private done = 0;
  /** Bytes of finished files plus the last count of each file in flight. */
  private doneBytes = 0;
  private readonly moving = new Map<number, number>();
  private stopped = false;

  private constructor(
    private readonly multi: MultiBar,
    realStdout: Writable,
    makeUi: UiFactory,
    totalBytes: number,
    private readonly totalFiles: number,
  ) {
    const log: Writable = Object.assign(Object.create(null) as Writable, {
      isTTY: true,
      write: (text: string | Uint8Array) => {
        multi.log(String(text));
        return true;
      },
    });
    // Results stay on stdout unless it is this same terminal (then above the bars).
    this.ui = makeUi({ stdout: realStdout.isTTY ? log : realStdout, stderr: log });
    this.total = multi.create(totalBytes, 0, { label: this.totalLabel(), total: true } satisfies Payload);
  }

  static async start(stderr: Writable, stdout: Writable, makeUi: UiFactory, totalBytes: number, totalFiles: number, c: Ui['c']): Promise<ProgressBars> {
    const mod = await import('cli-progress');
    const MultiBarClass = (mod.MultiBar ?? (mod as unknown as { default: typeof mod }).default.MultiBar) as typeof MultiBar;
    const format: GenericFormatter = (_options, params, payload: Payload) => {
      const filled = Math.round(params.progress * BAR_WIDTH);
      const bar = c.cyan('█'.repeat(filled)) + c.dim('░'.repeat(BAR_WIDTH - filled));
      const pct = `${Math.floor(params.progress * 100)}%`.padStart(4);
      const rate = rateOf(params);
      const eta = payload.total && rate > 0 && params.value < params.total ? ` ETA ${formatDuration(((params.total - params.value) * 1000) / rate)}` : '';
      return `${fit(payload.label, 28)} ${bar} ${pct} ${formatBytes(params.value)}/${formatBytes(params.total)} ${formatBytes(Math.round(rate))}/s${eta}`;
    };
    const multi = new MultiBarClass({
      stream: stderr,
      format,
      hideCursor: true,
      clearOnComplete: true,
      linewrap: false,
      fps: 10,
      // cli.ts owns the signals; stop() is called from the command's finally and ctx.cleanups.
      gracefulExit: false,
      emptyOnZero: true,
    });
    return new ProgressBars(multi, stdout, makeUi, totalBytes, totalFiles);
  }

  private totalLabel(): string {
    return `total ${this.done}/${this.totalFiles} files`;
  }

  readonly handle = (event: UploadEvent): void => {
    if (this.stopped) return;
    switch (event.type) {
      case 'file-start':
        this.bars.set(event.index, this.multi.create(event.file.sizeBytes, 0, { label: event.file.display } satisfies Payload));
        break;
      case 'progress':
        for (const a of event.active) {
          this.bars.get(a.index)?.update(a.bytes);
          this.moving.set(a.index, a.bytes);
        }
        this.updateTotal();
        break;
      case 'file-done':
      case 'file-failed': {
        const bar = this.bars.get(event.index);
        if (bar) this.multi.remove(bar);
        this.bars.delete(event.index);
        this.moving.delete(event.index);
        this.done++;
        // The last progress tick may predate the final bytes: count the file whole.
        if (event.type === 'file-done') this.doneBytes += event.result.sizeBytes ?? 0;
        this.updateTotal();
        break;
      }
      default:
        break;
    }
  };

  private updateTotal(): void {
    let bytes = this.doneBytes;
    for (const n of this.moving.values()) bytes += n;
    this.total.update(bytes, { label: this.totalLabel(), total: true } satisfies Payload);
  }

  /** Prints what is still queued above the bars, removes them and restores the cursor. Safe to call twice. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.multi.update();
    this.multi.stop();
  }
}
