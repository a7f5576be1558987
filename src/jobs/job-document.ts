// The one public shape of a job: GET /api/v1/jobs/{id}, the `state`/`end` SSE events, a `?wait=true` answer and
// the webhook payload are all this document, so a caller parses one thing wherever it meets a job.
import type { ImageLocation, ImageUrlBuilder } from '../images/image-url.js';
import type { JobRecord, JobStatus } from './tracker.js';

export type WebhookStatus = 'pending' | 'delivered' | 'failed';

/** The webhook state a job carries, as the document shows it (snake_case like the rest of it). */
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

export interface JobDocumentOutput {
  node: string;
  filename: string;
  subfolder: string;
  type: string;
  url: string;
  /** Only with `?output=base64`. */
  base64?: string;
  mime?: string;
}

export interface JobDocument {
  prompt_id: string;
  status: JobStatus;
  scenario: string | null;
  client_id: string | null;
  number: number | null;
  /** 1 = runs next; null unless the job is queued and the queue was read. */
  queue_position: number | null;
  progress: { node: string | null; value: number; max: number; percent: number } | null;
  /** null only for a recovered prompt whose extra_data had no submit time. */
  submitted_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  outputs: JobDocumentOutput[];
  error: { node: string | null; type: string; message: string } | null;
  /** The backend of the pool it was sent to; null while it waits in the gateway's queue. */
  backend?: string | null;
  /** How many times it was sent to a backend (more than 1 after a failover). */
  attempts?: number;
  /** Only when the job was submitted with a webhook: where its end goes and how the delivery went. */
  webhook?: WebhookDelivery;
}

export function buildJobDocument(
  job: JobRecord,
  imageUrl: ImageUrlBuilder,
  baseUrl: string,
  extra: { queuePosition?: number | null } = {},
): JobDocument {
  const progress = job.progress;
  return {
    prompt_id: job.promptId,
    status: job.status,
    scenario: job.scenario ?? null,
    client_id: job.clientId ?? null,
    number: job.number ?? null,
    queue_position: job.status === 'queued' ? (extra.queuePosition ?? null) : null,
    progress: progress
      ? { ...progress, percent: progress.max > 0 ? Math.round((progress.value / progress.max) * 100) : 0 }
      : null,
    submitted_at: iso(job.submittedAt),
    started_at: iso(job.startedAt),
    finished_at: iso(job.finishedAt),
    outputs: resultOutputs(job).map((output) => ({ ...output, url: imageUrl(linkTarget(job, output), baseUrl) })),
    error: job.error ?? null,
    // Every job the dispatcher handled carries both; a record built some other way shows neither.
    ...(job.backend !== undefined || job.attempts !== undefined
      ? { backend: job.backend ?? null, attempts: job.attempts ?? 1 }
      : {}),
    ...(job.webhook ? { webhook: { ...job.webhook } } : {}),
  };
}

/** The outputs that are the job's result: the manifest's `outputs` nodes when it names some, else all of them. */
export function resultOutputs(job: JobRecord): JobRecord['outputs'] {
  const wanted = job.outputNodes;
  if (!wanted?.length) return job.outputs;
  return job.outputs.filter((output) => wanted.includes(output.node));
}

/** A mirrored result's link names its prompt, so it keeps working after ComfyUI's copy is gone. */
function linkTarget(job: JobRecord, output: JobRecord['outputs'][number]): ImageLocation {
  const located = job.backend !== undefined ? { ...output, backend: job.backend } : output;
  return job.mirror && output.type === 'output' ? { ...located, promptId: job.promptId } : located;
}

function iso(ms: number | undefined): string | null {
  return ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString();
}

/** The OpenAPI schema of the document (the job routes and the wait answers describe `data` with it). */
export const jobDocumentSchema = {
  type: 'object',
  required: ['prompt_id', 'status', 'outputs'],
  properties: {
    prompt_id: { type: 'string', example: '4f5e0f3a-6c1b-4d2e-9a7b-1f2e3d4c5b6a' },
    status: { type: 'string', enum: ['queued', 'running', 'succeeded', 'failed', 'interrupted', 'cancelled'] },
    scenario: { type: ['string', 'null'] },
    client_id: { type: ['string', 'null'] },
    number: { type: ['number', 'null'], description: "ComfyUI's queue number" },
    queue_position: { type: ['integer', 'null'], description: '1 = runs next; null unless queued' },
    progress: {
      type: ['object', 'null'],
      description: 'The last sampler progress: {node, value, max, percent}',
      example: { node: '3', value: 7, max: 20, percent: 35 },
    },
    submitted_at: { type: ['string', 'null'], format: 'date-time' },
    started_at: { type: ['string', 'null'], format: 'date-time' },
    finished_at: { type: ['string', 'null'], format: 'date-time' },
    outputs: {
      type: 'array',
      items: {
        type: 'object',
        required: ['node', 'filename', 'subfolder', 'type', 'url'],
        properties: {
          node: { type: 'string' },
          filename: { type: 'string' },
          subfolder: { type: 'string' },
          type: { type: 'string' },
          url: { type: 'string' },
          base64: { type: 'string', description: 'With ?output=base64 only' },
          mime: { type: 'string', description: 'With ?output=base64 only' },
        },
      },
    },
    backend: { type: ['string', 'null'], description: "The pool backend it was sent to; null while it waits in the gateway's queue" },
    attempts: { type: 'integer', description: 'Sends to a backend so far (more than 1 after a failover)' },
    webhook: {
      type: 'object',
      description:
        'Only with a webhook: {url, status: pending | delivered | failed, attempts, last_status, last_error, delivered_at}',
      example: { url: 'https://example.com/hook', status: 'delivered', attempts: 1, last_status: 200, last_error: null, delivered_at: '2025-01-01T00:00:00.000Z' },
    },
    error: {
      type: ['object', 'null'],
      description: '{node, type, message}: the failing node and ComfyUI\'s exception, or why the gateway gave up',
    },
  },
} as const;
