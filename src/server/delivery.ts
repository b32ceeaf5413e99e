// Webhook delivery (SPEC 1.3): at least once, signed per attempt, same event
// id on every attempt, retried with backoff on a non-2xx answer or none within
// 10 s. Each endpoint has its own queue with a few deliveries in flight, so a
// slow or dead endpoint never holds up uploads or any other endpoint. The
// journal entry (storage.ts) is the outbox: it is settled only once every
// target is done, so a crash before then means delivery after the restart.
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { SIGNATURE_HEADER, signatureHeader } from '../core/webhook-signature.js';
import type { Faults } from './faults.js';
import type { JournalEntry, Storage } from './storage.js';
import type { Webhooks } from './webhooks.js';

export interface DeliveryOptions {
  now: () => number;
  log: (line: string) => void;
  faults: Faults;
  /** Wait before retry number ATTEMPT (1-based). */
  backoffMs?: (attempt: number) => number;
  timeoutMs?: number;
  maxAttempts?: number;
  perEndpointConcurrency?: number;
}

interface Job {
  entry: JournalEntry;
  endpointId: string;
  attempts: number;
  delayMs: number;
  corrupt?: 'sha256' | 'size';
}

interface Queue {
  active: number;
  waiting: Job[];
}

const defaultBackoff = (attempt: number): number => Math.min(1000 * 2 ** (attempt - 1), 60_000);

export class Delivery {
  private readonly queues = new Map<string, Queue>();
  private readonly outstanding = new Map<number, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  private closed = false;

  constructor(
    private readonly webhooks: Webhooks,
    private readonly storage: Storage,
    private readonly opts: DeliveryOptions,
  ) {}

  enqueue(entry: JournalEntry): void {
    this.outstanding.set(entry.seq, entry.targets.length);
    for (const endpointId of entry.targets) {
      const job: Job = { entry, endpointId, attempts: 0, delayMs: 0 };
      if (this.opts.faults.take('webhook-drop')) {
        this.opts.log(`webhook ${entry.event.id} -> ${endpointId} dropped (fault injection)`);
        this.done(job);
        continue;
      }
      job.delayMs = this.opts.faults.take('webhook-delay')?.value ?? 0;
      if (this.opts.faults.take('webhook-corrupt-sha256')) job.corrupt = 'sha256';
      else if (this.opts.faults.take('webhook-corrupt-size')) job.corrupt = 'size';
      if (job.delayMs > 0) this.later(job.delayMs, () => this.push(job));
      else this.push(job);
    }
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private push(job: Job): void {
    let queue = this.queues.get(job.endpointId);
    if (!queue) {
      queue = { active: 0, waiting: [] };
      this.queues.set(job.endpointId, queue);
    }
    queue.waiting.push(job);
    this.pump(job.endpointId, queue);
  }

  private pump(endpointId: string, queue: Queue): void {
    const limit = this.opts.perEndpointConcurrency ?? 4;
    while (!this.closed && queue.active < limit && queue.waiting.length > 0) {
      const job = queue.waiting.shift() as Job;
      queue.active += 1;
      void this.attempt(job).finally(() => {
        queue.active -= 1;
        if (queue.active === 0 && queue.waiting.length === 0) this.queues.delete(endpointId);
        else this.pump(endpointId, queue);
      });
    }
  }

  private async attempt(job: Job): Promise<void> {
    const endpoint = this.webhooks.get(job.endpointId);
    if (!endpoint) {
      this.done(job); // deleted or expired since the commit: nobody to tell
      return;
    }
    job.attempts += 1;
    const body = Buffer.from(bodyFor(job), 'utf8');
    const started = Date.now();
    const t = Math.floor(this.opts.now() / 1000);
    const status = await this.post(endpoint.url, body, signatureHeader(endpoint.secret, t, body));
    const target = endpoint.url.split('?')[0];
    this.opts.log(
      `webhook ${job.entry.event.id} -> ${target} ${status ?? 'no answer'} (attempt ${job.attempts}, ${Date.now() - started}ms)`,
    );
    if (this.closed) return;
    if (status !== undefined && status >= 200 && status < 300) {
      this.done(job);
    } else if (job.attempts >= (this.opts.maxAttempts ?? 8)) {
      this.opts.log(`webhook ${job.entry.event.id} -> ${target} given up after ${job.attempts} attempts`);
      this.done(job);
    } else {
      this.later((this.opts.backoffMs ?? defaultBackoff)(job.attempts), () => this.push(job));
    }
  }

  /** Resolves to the answer's status, or undefined for no answer in time or a network error. */
  private post(url: string, body: Buffer, signature: string): Promise<number | undefined> {
    return new Promise((resolve) => {
      const secure = url.startsWith('https:');
      let req: http.ClientRequest;
      try {
        req = (secure ? https : http).request(url, {
          method: 'POST',
          agent: secure ? this.agents.https : this.agents.http,
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': String(body.length),
            [SIGNATURE_HEADER]: signature,
            'User-Agent': 'fastup-dev-server',
          },
        });
      } catch {
        resolve(undefined);
        return;
      }
      const timer = setTimeout(() => req.destroy(new Error('timeout')), this.opts.timeoutMs ?? 10_000);
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => {
          clearTimeout(timer);
          resolve(res.statusCode);
        });
        res.on('error', () => {
          clearTimeout(timer);
          resolve(undefined);
        });
      });
      req.on('error', () => {
        clearTimeout(timer);
        resolve(undefined);
      });
      req.end(body);
    });
  }

  private done(job: Job): void {
    const left = (this.outstanding.get(job.entry.seq) ?? 1) - 1;
    if (left > 0) {
      this.outstanding.set(job.entry.seq, left);
      return;
    }
    this.outstanding.delete(job.entry.seq);
    void this.storage.settle(job.entry.seq);
  }

  private later(ms: number, task: () => void): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      task();
    }, ms);
    this.timers.add(timer);
  }
}

/** The event body; a corrupting fault changes it consistently on every attempt. */
function bodyFor(job: Job): string {
  if (!job.corrupt) return job.entry.event.body;
  const event = JSON.parse(job.entry.event.body) as { data: { sha256: string; sizeBytes: number } };
  if (job.corrupt === 'sha256') event.data.sha256 = createHash('sha256').update(event.data.sha256).digest('hex');
  else event.data.sizeBytes += 1;
  return JSON.stringify(event);
}
