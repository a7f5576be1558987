// Delivering a finished job's outputs to the sinks it asked for (`?deliver=`, a manifest's `outputs.deliver`).
// Each (output, sink) pair is its own delivery: pending until the sink accepts it, retried with backoff, then
// `failed` with the reason; POST /api/v1/jobs/{id}/deliveries/retry starts the failed ones again. The bytes come
// from the gateway's own copy (a delivering job is always mirrored, and the copy is kept while a delivery still
// needs it) or else from ComfyUI, streamed, converted on the way when the job asked for a format. The job record
// is changed only through the tracker.
import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import type { ComfyClient } from '../comfy/client.js';
import type { Logger } from '../log.js';
import { openMirrored } from '../jobs/mirror.js';
import { resultOutputs } from '../jobs/job-document.js';
import type { JobOutput, JobRecord, JobTracker } from '../jobs/tracker.js';
import { createBackoff } from '../retry/backoff.js';
import { kindOf, mimeOf } from './classify.js';
import { MIME_OF_FORMAT } from './convert-options.js';
import type { Converter } from './convert.js';
import { createLimiter } from './limiter.js';
import type { UrlPutter } from './put-url.js';
import { PUT_SINK, shownUrl } from './put-url.js';
import type { OutputSink } from './s3-sink.js';
import { converts } from './typed-output.js';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** Where one output stands with one sink, as the job document shows it. */
export interface OutputDelivery {
  node: string;
  filename: string;
  subfolder: string;
  type: string;
  sink: string;
  status: DeliveryStatus;
  key: string;
  /** A presigned GET URL, when the sink hands them out. */
  url: string | null;
  expires_at: string | null;
  attempts: number;
  last_error: string | null;
  delivered_at: string | null;
}

export interface DeliverySettings {
  max_attempts: number;
  initial_delay_ms: number;
  max_delay_ms: number;
  concurrency: number;
}

export interface OutputDeliveries {
  /** The sink names a request may use; throws nothing, the caller refuses unknown names. */
  readonly sinkNames: readonly string[];
  /** Starts the failed deliveries of a job again; the number started. */
  retry(promptId: string): number;
  /** Whether any delivery of this prompt still needs the gateway's copy (retention asks). */
  needsCopy(promptId: string): boolean;
  /** Resolves when no delivery is running (tests, shutdown). */
  idle(): Promise<void>;
  /** Resolves once every delivery of this prompt has ended, delivered or failed (the webhook waits for it). */
  settled(promptId: string): Promise<void>;
  close(): Promise<void>;
}

export interface DeliveryDeps {
  tracker: Pick<JobTracker, 'onFinished' | 'get' | 'update'>;
  comfy: Pick<ComfyClient, 'view'>;
  converter: Converter;
  outputDir: string;
  sinks: ReadonlyMap<string, OutputSink>;
  /** PUTs to callers' URLs (`?put_url=`); absent when outputs.put is off. */
  putter?: UrlPutter | undefined;
  settings: DeliverySettings;
  log: Logger;
  /** Resolves once the gateway's copies of finished jobs are written (src/jobs/mirror.ts idle). */
  copiesWritten: () => Promise<void>;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  now?: () => number;
}

const defaultSleep = (ms: number, signal: AbortSignal) => delay(ms, undefined, { signal, ref: false });

export function createOutputDeliveries(deps: DeliveryDeps): OutputDeliveries {
  const sleep = deps.sleep ?? defaultSleep;
  const now = deps.now ?? Date.now;
  const stopping = new AbortController();
  const running = new Set<Promise<void>>();
  const byPrompt = new Map<string, Set<Promise<void>>>();
  const uploads = createLimiter(deps.settings.concurrency);

  const off = deps.tracker.onFinished((job) => {
    if (job.status !== 'succeeded' || (!job.deliver?.length && !job.putUrls?.length)) return;
    const files = resultOutputs(job);
    const deliveries = files.flatMap((output, index) => [
      ...(job.deliver ?? []).flatMap((name) => {
        const sink = deps.sinks.get(name);
        return sink ? [initialState(job, output, sink.name, (filename) => sink.keyFor(job.promptId, output.subfolder, filename))] : [];
      }),
      // The n-th URL is for the n-th file of the result.
      ...(job.putUrls?.[index] ? [initialState(job, output, PUT_SINK, () => shownUrl(job.putUrls![index]!))] : []),
    ]);
    deps.tracker.update(job.promptId, { deliveries });
    for (const state of deliveries) track(job.promptId, state);
  });

  function initialState(job: JobRecord, output: JobOutput, sink: string, keyFor: (filename: string) => string): OutputDelivery {
    const converted = conversionOf(job, output);
    const filename = converted ? replaceExtension(output.filename, converted.extension) : output.filename;
    return {
      node: output.node,
      filename: output.filename,
      subfolder: output.subfolder,
      type: output.type,
      sink,
      status: 'pending',
      key: keyFor(filename),
      url: null,
      expires_at: null,
      attempts: 0,
      last_error: null,
      delivered_at: null,
    };
  }

  /** Replaces one delivery's state in the job (a new list: the tracker holds the record). */
  function report(promptId: string, next: OutputDelivery): void {
    const job = deps.tracker.get(promptId);
    if (!job?.deliveries) return;
    const deliveries = job.deliveries.map((entry) => (sameDelivery(entry, next) ? next : entry));
    deps.tracker.update(promptId, { deliveries });
  }

  function track(promptId: string, state: OutputDelivery): void {
    let own = byPrompt.get(promptId);
    if (!own) byPrompt.set(promptId, (own = new Set()));
    const done: Promise<void> = run(promptId, state).finally(() => {
      running.delete(done);
      own.delete(done);
      if (own.size === 0 && byPrompt.get(promptId) === own) byPrompt.delete(promptId);
    });
    running.add(done);
    own.add(done);
  }

  async function run(promptId: string, first: OutputDelivery): Promise<void> {
    const backoff = createBackoff({ minDelayMs: deps.settings.initial_delay_ms, maxDelayMs: deps.settings.max_delay_ms });
    let state = first;
    for (let attempt = 1; attempt <= deps.settings.max_attempts; attempt += 1) {
      if (stopping.signal.aborted) return;
      await uploads.acquire();
      try {
        const put = await attemptOnce(promptId, state);
        state = {
          ...state,
          status: 'delivered',
          attempts: state.attempts + 1,
          last_error: null,
          delivered_at: new Date(now()).toISOString(),
          url: put.url ?? null,
          expires_at: put.expires_at ?? null,
        };
        report(promptId, state);
        return;
      } catch (error) {
        const last = attempt === deps.settings.max_attempts;
        state = { ...state, status: last ? 'failed' : 'pending', attempts: state.attempts + 1, last_error: reasonOf(error) };
        report(promptId, state);
        deps.log.warn({ promptId, sink: state.sink, key: state.key, err: error }, 'an output delivery attempt failed');
      } finally {
        uploads.release();
      }
      if (attempt < deps.settings.max_attempts) {
        try {
          await sleep(backoff.next(), stopping.signal);
        } catch {
          return;
        }
      }
    }
  }

  async function attemptOnce(promptId: string, state: OutputDelivery): Promise<{ url?: string; expires_at?: string }> {
    const job = deps.tracker.get(promptId);
    if (!job) throw new Error('the job is no longer known');
    const files = resultOutputs(job);
    const index = files.findIndex((entry) => sameOutput(entry, state));
    const output = files[index];
    if (!output) throw new Error('the output is no longer known');
    const sink = state.sink === PUT_SINK ? undefined : deps.sinks.get(state.sink);
    const putUrl = state.sink === PUT_SINK ? job.putUrls?.[index] : undefined;
    if (!sink && !(putUrl && deps.putter)) throw new Error(`the sink ${state.sink} is no longer configured`);
    const source = await openSource(job, output);
    const converted = conversionOf(job, output);
    const body = converted ? deps.converter.convert(source.body, converted.spec, converted.animated) : source.body;
    const contentType = converted ? converted.mime : mimeOf(output.filename);
    try {
      if (sink) return await sink.put(state.key!, body, contentType, stopping.signal);
      await deps.putter!.put(putUrl!, body, contentType, converted ? undefined : source.length, stopping.signal);
      return {};
    } finally {
      source.body.destroy();
      body.destroy();
    }
  }

  /** The gateway's copy when it has one (written before the job's deliveries start), else ComfyUI's file. */
  async function openSource(job: JobRecord, output: JobOutput): Promise<{ body: Readable; length: number | undefined }> {
    await deps.copiesWritten();
    if (job.mirror && output.type === 'output') {
      const copy = await openMirrored(deps.outputDir, job.promptId, output);
      if (copy) return { body: copy.stream, length: copy.size };
    }
    const view = await deps.comfy.view({ ...output, backend: job.backend });
    const length = view.contentLength !== undefined && /^\d+$/.test(view.contentLength) ? Number(view.contentLength) : undefined;
    return { body: view.body, length };
  }

  return {
    sinkNames: [...deps.sinks.keys()],
    retry(promptId) {
      const job = deps.tracker.get(promptId);
      const failed = (job?.deliveries ?? []).filter((entry) => entry.status === 'failed');
      for (const entry of failed) {
        const restarted: OutputDelivery = { ...entry, status: 'pending' };
        report(promptId, restarted);
        track(promptId, restarted);
      }
      return failed.length;
    },
    needsCopy(promptId) {
      return (deps.tracker.get(promptId)?.deliveries ?? []).some((entry) => entry.status !== 'delivered');
    },
    async idle() {
      while (running.size > 0) await Promise.all([...running]);
    },
    async settled(promptId) {
      // The job's deliveries start in the tracker's onFinished round that is telling the caller: let it finish.
      await new Promise((resolve) => setImmediate(resolve));
      for (let own = byPrompt.get(promptId); own?.size; own = byPrompt.get(promptId)) await Promise.all([...own]);
    },
    async close() {
      off();
      stopping.abort();
      await Promise.allSettled([...running]);
      for (const sink of deps.sinks.values()) sink.close();
      await deps.putter?.close();
    },
  };
}

/** The conversion this output is delivered with: the same one its download link applies. */
function conversionOf(job: JobRecord, output: JobOutput) {
  const mime = mimeOf(output.filename);
  const kind = kindOf(mime, output.animated === true);
  if (!converts(kind, mime, job.convert)) return undefined;
  const spec = job.convert!;
  const extension = spec.format === 'jpeg' ? 'jpg' : spec.format;
  return { spec, animated: kind === 'animation', mime: MIME_OF_FORMAT[spec.format], extension };
}

function replaceExtension(filename: string, extension: string): string {
  const dot = filename.lastIndexOf('.');
  return `${dot > 0 ? filename.slice(0, dot) : filename}.${extension}`;
}

type OutputName = Pick<OutputDelivery, 'node' | 'filename' | 'subfolder' | 'type'>;

function sameOutput(output: OutputName, other: OutputName): boolean {
  return (
    output.node === other.node &&
    output.filename === other.filename &&
    output.subfolder === other.subfolder &&
    output.type === other.type
  );
}

function sameDelivery(a: OutputDelivery, b: OutputDelivery): boolean {
  return sameOutput(a, b) && a.sink === b.sink;
}

/** What the sink (or the source) said, short enough for a job document. */
function reasonOf(error: unknown): string {
  const named = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = named.$metadata?.httpStatusCode;
  const text = `${named.name && named.name !== 'Error' ? `${named.name}: ` : ''}${named.message ?? String(error)}`;
  return (status ? `HTTP ${status} ${text}` : text).slice(0, 500);
}
