// The one public shape of a job: GET /api/v1/jobs/{id}, the `state`/`end` SSE events, a `?wait=true` answer and
// the webhook payload are all this document, so a caller parses one thing wherever it meets a job.
import type { ImageLocation, ImageUrlBuilder } from '../images/image-url.js';
import { PUT_SINK } from '../outputs/put-url.js';
import {
  fileOutput,
  typedOutputSchema,
  type DocumentOutput,
  type FileDelivery,
  type FileOutput,
  type TypedOutput,
} from '../outputs/typed-output.js';
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

/** A file output (src/outputs/typed-output.ts): kind, mime, size, node, url and ComfyUI's name for it. */
export type JobDocumentOutput = FileOutput;

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
  /** Files and texts, in one shape (src/outputs/typed-output.ts). */
  outputs: DocumentOutput[];
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
  return documentWith(
    job,
    asDocumentOutputs(
      resultOutputs(job).map((output) => ({ ...pick(output), url: imageUrl(linkTarget(job, output), baseUrl) }) as FileOutput),
    ),
    extra,
  );
}

/** The document around the outputs list each shape builds its own way (each output's link is built once). */
function documentWith(job: JobRecord, outputs: DocumentOutput[], extra: { queuePosition?: number | null }): JobDocument {
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
    outputs,
    error: job.error ?? null,
    // Every job the dispatcher handled carries both; a record built some other way shows neither.
    ...(job.backend !== undefined || job.attempts !== undefined
      ? { backend: job.backend ?? null, attempts: job.attempts ?? 1 }
      : {}),
    ...(job.webhook ? { webhook: { ...job.webhook } } : {}),
  };
}

/**
 * The document as callers receive it (job route, `?wait=true`, SSE, webhooks): every output typed, files and
 * texts alike (src/outputs/typed-output.ts). buildJobDocument is the same document in the shape it had before
 * outputs had kinds (files only: node, filename, subfolder, type, url); the typed entries keep those fields.
 */
export function typedJobDocument(
  job: JobRecord,
  imageUrl: ImageUrlBuilder,
  baseUrl: string,
  extra: { queuePosition?: number | null } = {},
): JobDocument {
  return documentWith(job, typedOutputs(job, imageUrl, baseUrl), extra);
}

/** The result's files and texts in the typed shape, a converted link where the job asked for a format. */
function typedOutputs(job: JobRecord, imageUrl: ImageUrlBuilder, baseUrl: string): DocumentOutput[] {
  return asDocumentOutputs([
    ...resultOutputs(job).map((output, index) =>
      withDeliveries(fileOutput(output, imageUrl(linkTarget(job, output), baseUrl), job.convert), job, index),
    ),
    ...resultTexts(job).map((entry): TypedOutput => ({ kind: 'text', node: entry.node, text: entry.text })),
  ]);
}

/** A delivering job's file carries each sink's state for it (src/outputs/delivery.ts). */
function withDeliveries(output: FileOutput, job: JobRecord, index: number): FileOutput {
  const sinks = [...(job.deliver ?? []), ...(job.putUrls?.[index] ? [PUT_SINK] : [])];
  if (!sinks.length) return output;
  const own = (job.deliveries ?? []).filter(
    (entry) =>
      entry.node === output.node &&
      entry.filename === output.filename &&
      entry.subfolder === output.subfolder &&
      entry.type === output.type,
  );
  // Until the job's deliveries start (just after it ends), each sink is pending with no key yet.
  const deliveries = sinks.map((sink): FileDelivery => {
    const found = own.find((entry) => entry.sink === sink);
    if (!found) return { sink, status: 'pending', key: null, url: null, expires_at: null, attempts: 0, last_error: null, delivered_at: null };
    const { node: _n, filename: _f, subfolder: _s, type: _t, ...state } = found;
    return state;
  });
  return { ...output, deliveries };
}

/** ComfyUI's name for a file, without the gateway's own notes (animated) that only the typed shape shows. */
function pick(output: JobRecord['outputs'][number]): Pick<FileOutput, 'node' | 'filename' | 'subfolder' | 'type'> {
  return { node: output.node, filename: output.filename, subfolder: output.subfolder, type: output.type };
}

/** The outputs that are the job's result: the manifest's `outputs` nodes when it names some, else all of them. */
export function resultOutputs(job: JobRecord): JobRecord['outputs'] {
  const wanted = job.outputNodes;
  if (!wanted?.length) return job.outputs;
  return job.outputs.filter((output) => wanted.includes(output.node));
}

/** The wire list under its compile-time name (see DocumentOutput: text entries lack the file fields). */
function asDocumentOutputs(outputs: TypedOutput[]): DocumentOutput[] {
  return outputs as DocumentOutput[];
}

/** The texts among the result, by the same rule as resultOutputs. */
function resultTexts(job: JobRecord): NonNullable<JobRecord['texts']> {
  const wanted = job.outputNodes;
  const texts = job.texts ?? [];
  return wanted?.length ? texts.filter((entry) => wanted.includes(entry.node)) : texts;
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
    outputs: { type: 'array', items: typedOutputSchema() },
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
