// Webhook settings and messages. The delivery state a job carries (WebhookDelivery) is part of the job document.
import type { WebhookDelivery } from '../jobs/job-document.js';

export type WebhookEventType = 'job.succeeded' | 'job.failed' | 'job.interrupted' | 'job.cancelled';

/** Retry and timeout settings (gateway.yaml `webhooks`). */
export interface WebhookSettings {
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
}

export function pendingDelivery(url: string): WebhookDelivery {
  return { url, status: 'pending', attempts: 0, last_status: null, last_error: null, delivered_at: null };
}
