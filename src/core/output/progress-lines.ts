// Progress without a terminal (CI logs): a line when each file starts and
// ends, and a heartbeat at least every 30 s while bytes are moving, so a long
// upload never looks hung (issue 4). Plain text: no escape codes, no \r.
import type { UploadEvent } from '../transfer/events.js';
import { formatBytes, formatDuration } from '../units.js';
import type { Ui } from './ui.js';

export class ProgressLines {
  constructor(
    private readonly ui: Ui,
    private readonly totalBytes: number,
    /** Under --json the JSON lines already say when a file ends; keep only heartbeats. */
    private readonly perFile: boolean,
    /** With --wait a sent file waits for its webhook; without, for the host's answer. */
    private readonly confirming = false,
  ) {}

  readonly handle = (event: UploadEvent): void => {
    switch (event.type) {
      case 'file-start':
        if (this.perFile) this.ui.info(`uploading ${event.file.display} -> ${event.file.remote} (${formatBytes(event.file.sizeBytes)})`);
        break;
      case 'file-done': {
        const r = event.result;
        if (this.perFile) this.ui.info(`finished ${r.file} in ${formatDuration(r.durationMs)} (${formatBytes(r.bytesPerSecond)}/s)`);
        break;
      }
      case 'heartbeat': {
        const moving = event.active.reduce((sum, a) => sum + a.bytes, 0);
        const sent = event.doneBytes + moving;
        const pct = this.totalBytes > 0 ? Math.floor((sent * 100) / this.totalBytes) : 100;
        const rate = formatBytes(Math.round((sent * 1000) / Math.max(1, event.elapsedMs)));
        const names = event.active.slice(0, 3).map((a) => {
          const filePct = Math.floor((a.bytes * 100) / Math.max(1, a.file.sizeBytes));
          const waiting = this.confirming ? ' sent, waiting for confirmation' : ' sent, waiting for the answer';
          return `${a.file.display} ${filePct}%${a.bytes >= a.file.sizeBytes ? waiting : ''}`;
        });
        const more = event.active.length > 3 ? `, +${event.active.length - 3} more` : '';
        this.ui.info(
          `still uploading after ${formatDuration(event.elapsedMs)}: ${formatBytes(sent)} of ${formatBytes(this.totalBytes)} (${pct}%), ${rate}/s; ${names.join(', ')}${more}`,
        );
        break;
      }
      default:
        break;
    }
  };
}
