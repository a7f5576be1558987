// Jobs → webhooks: a submit route asks accept() for the URL (the request's, else the manifest's: refused with 400
// when there is no secret or the URL is unusable), then attach()es it to the job; when the tracker says the job
// ended, its document goes out through the dispatcher and each delivery state is written back onto the job, where
// GET /api/v1/jobs/{id} shows it. Pending deliveries live where the dispatcher keeps them: in this process (memory
// store), or in the shared outbox (redis store), where they outlive the process.
import { fail } from '../errors.js';
import { message } from '../i18n.js';
import type { UrlPolicy } from '../images/url-policy.js';
import type { JobRecord, JobTracker } from '../jobs/tracker.js';
import { isFinished } from '../jobs/tracker.js';
import type { Logger } from '../log.js';
import type { WebhookDispatcher } from './dispatcher.js';
import { pendingDelivery, type WebhookEventType } from './types.js';
import { findWebhookUrlProblem } from './webhook-url.js';

export interface JobWebhooksDeps {
  tracker: Pick<JobTracker, 'get' | 'update' | 'onFinished'>;
  /** undefined when webhooks.secret is empty: every webhook is refused at submit time. */
  dispatcher: WebhookDispatcher | undefined;
  /** The payload's `data`: the job document, its links built against baseUrl. */
  document: (job: JobRecord, baseUrl: string) => unknown;
  /** server.public_url; empty: links use the base URL of the request that submitted the job. */
  publicUrl: string;
  policy?: UrlPolicy;
  log: Logger;
  /** Base URLs remembered for jobs not yet finished (bounded like the tracker). */
  maxJobs?: number;
  /**
   * Resolves when the job's output deliveries have ended (src/outputs/delivery.ts settled), so the payload carries
   * their final state; absent, the webhook goes at once.
   */
  ready?: (job: JobRecord) => Promise<void>;
}

export interface JobWebhooks {
  /** The URL to report to, checked; undefined when neither the request nor the manifest names one. */
  accept(requested: string | undefined, manifestDefault?: string): string | undefined;
  /**
   * The job now carries a pending delivery, sent when it finishes; `baseUrl` is the origin the job was submitted
   * through, for the payload's links when no public_url is set.
   */
  attach(promptId: string, url: string, baseUrl: string): void;
  stop(): Promise<void>;
}

const eventOf: Partial<Record<JobRecord['status'], WebhookEventType>> = {
  succeeded: 'job.succeeded',
  failed: 'job.failed',
  interrupted: 'job.interrupted',
  cancelled: 'job.cancelled',
};

export function createJobWebhooks(deps: JobWebhooksDeps): JobWebhooks {
  const maxJobs = deps.maxJobs ?? 10_000;
  const baseUrls = new Map<string, string>();
  // attach() may find a job already finished, and the tracker's onFinished may still follow: send once per job.
  const sent = new WeakSet<JobRecord>();
  const unsubscribe = deps.tracker.onFinished((job) => send(job));

  function send(job: JobRecord): void {
    const type = eventOf[job.status];
    if (!job.webhook || sent.has(job) || !type || !deps.dispatcher) return;
    sent.add(job);
    const delivering = job.status === 'succeeded' && (job.deliver?.length || job.putUrls?.length);
    if (delivering && deps.ready) {
      deps.ready(job).then(
        () => post(job, type),
        (error: unknown) => deps.log.error({ err: error, promptId: job.promptId }, 'waiting for the output deliveries failed'),
      );
      return;
    }
    post(job, type);
  }

  function post(job: JobRecord, type: WebhookEventType): void {
    if (!deps.dispatcher || !job.webhook) return;
    const baseUrl = baseUrls.get(job.promptId);
    baseUrls.delete(job.promptId);
    let data: unknown;
    try {
      data = deps.document(job, deps.publicUrl || baseUrl || '');
    } catch (error) {
      // Never let a webhook break the tracker's other listeners.
      deps.log.error({ err: error, promptId: job.promptId }, 'job document for the webhook failed');
      return;
    }
    const promptId = job.promptId;
    void deps.dispatcher.deliver({ url: job.webhook.url, type, data }, (state) => {
      deps.tracker.update(promptId, { webhook: state });
    });
  }

  return {
    accept(requested, manifestDefault) {
      const url = requested ?? manifestDefault;
      if (url === undefined) return undefined;
      if (!deps.dispatcher) throw fail.badRequest(message('reason.webhook_no_secret'));
      const problem = findWebhookUrlProblem(url, deps.policy);
      if (problem) throw fail.badRequest(message('reason.webhook_url', { why: problem }));
      return url;
    },
    attach(promptId, url, baseUrl) {
      baseUrls.set(promptId, baseUrl);
      while (baseUrls.size > maxJobs) baseUrls.delete(baseUrls.keys().next().value as string);
      const job = deps.tracker.update(promptId, { webhook: pendingDelivery(url) });
      // Ended before the route got here (a cached prompt can finish within the submit round trip).
      if (job && isFinished(job.status)) send(job);
    },
    async stop() {
      unsubscribe();
      await deps.dispatcher?.close();
    },
  };
}
