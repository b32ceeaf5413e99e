// How a listener's reports reach the user, shared by watch-webhooks and
// upload --wait: rejected deliveries are warnings (with the why), stray
// requests and repeats are quieter.
import type { Ui } from './output/ui.js';
import type { ListenerReport } from './webhook-handler.js';

export function showReport(ui: Ui, report: ListenerReport): void {
  switch (report.kind) {
    case 'rejected':
      ui.warn(`rejected a delivery from ${report.remote} with ${report.status}: ${report.message}`);
      return;
    case 'duplicate':
      ui.info(`repeated delivery of ${report.id} acknowledged (already reported)`);
      return;
    case 'stray':
      ui.debug(`answered ${report.status} to ${report.method} ${report.path} from ${report.remote}`);
      return;
    case 'failed':
      ui.warn(`the listener failed on a delivery (answered 500, the sender will retry): ${report.message}`);
      return;
  }
}
