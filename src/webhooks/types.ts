// The webhook state a job carries, as GET /api/v1/jobs/{id} shows it (snake_case like the rest of the document).
export type WebhookStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDelivery {
  url: string;
  status: WebhookStatus;
  /** Attempts made so far (0 until the job finishes). */
  attempts: number;
  /** The receiver's HTTP status on the last attempt; null when it never answered. */
  last_status: number | null;
  /** Why the last attempt failed (network error, timeout, non-2xx); null after a success. */
  last_error: string | null;
  /** ISO time of the accepted attempt. */
  delivered_at: string | null;
}

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
