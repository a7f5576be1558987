// What the gateway knows about each prompt it submitted: who asked (the caller's client_id), for which scenario,
// when, and how far it got (status, progress, outputs, error: src/jobs/job-state.ts). The relay feeds it every
// upstream event; the job routes, waiting requests, SSE streams and webhooks listen to it. Memory is bounded
// (oldest entries go first). Listeners are kept per prompt, so an event costs the listeners of its own job only.
import type { ConvertSpec } from '../outputs/convert-options.js';
import type { OutputDelivery } from '../outputs/delivery.js';
import type { WebhookDelivery } from './job-document.js';
import type { JobEvent } from './job-event.js';
import { applyEvent, isFinished, type JobState, type JobStatus } from './job-state.js';
import { createJobListeners } from './job-listeners.js';

export type { JobStatus, JobProgress, JobOutput, JobText, JobError } from './job-state.js';
export { isFinished } from './job-state.js';

export interface JobRecord extends JobState {
  promptId: string;
  /** The caller's client_id (the gateway submits upstream under its own). */
  clientId: string | undefined;
  /** The caller (API key id) that submitted it; undefined on a single-tenant gateway. Only it and admins see it. */
  owner?: string;
  scenario: string | undefined;
  submittedAt: number;
  number: number | undefined;
  /** The scenario's result nodes (manifest `outputs`); empty or absent: every output node counts. */
  outputNodes?: readonly string[];
  /** Its results are copied to `<folders.output>/<prompt_id>/` and its output links name the prompt (src/jobs/mirror.ts). */
  mirror?: boolean;
  /** Rebuilt from ComfyUI's queue/history (another gateway submitted it): its events never reach this gateway. */
  recovered?: boolean;
  /**
   * The upstream client id it was sent under, when that is another gateway process's (a job adopted from a dead
   * process: ComfyUI sends its events to a socket under that id). Absent: this process's own.
   */
  sentUnder?: string;
  /** The backend the job was sent to; undefined while it waits in the gateway's queue. */
  backend?: string | undefined;
  /** How many times it was sent to a backend (a failover sends it again, same prompt_id). */
  attempts?: number;
  /** Image outputs are offered converted (`?format=`, a manifest's `outputs.format`): src/outputs/convert-options.ts. */
  convert?: ConvertSpec;
  /** The sinks its outputs go to (`?deliver=`, a manifest's `outputs.deliver`): src/outputs/delivery.ts. */
  deliver?: readonly string[];
  /** `?put_url=`: the n-th file of the result is PUT to the n-th URL (src/outputs/put-url.ts). */
  putUrls?: readonly string[];
  /** Where each output stands with each sink; set when the job succeeds, changed as deliveries go. */
  deliveries?: OutputDelivery[];
  /** Where the job's end is POSTed, and how that went (src/webhooks). */
  webhook?: WebhookDelivery;
}

/** Why the gateway removed a pending prompt: a queue/clear (`removed`) or an interrupt (`interrupted`). */
export interface CancelReason {
  type: 'removed' | 'interrupted';
  /** In the configured language. */
  message: string;
}

/** The event a cancelled job's listeners (waits, SSE streams, sockets) hear: the gateway's own, not ComfyUI's. */
export const CANCELLED_EVENT = 'execution_cancelled';

export type NewJob = Omit<JobRecord, 'status' | 'outputs'> & Partial<Pick<JobRecord, 'status' | 'outputs'>>;

/** Hears every event applied to one job, after the job's state took it in. */
export type JobListener = (event: JobEvent, job: JobRecord) => void;

export interface JobTracker {
  record(job: NewJob): JobRecord;
  get(promptId: string): JobRecord | undefined;
  update(promptId: string, change: Partial<Omit<JobRecord, 'promptId'>>): JobRecord | undefined;
  /** Applies one upstream event to the job's state and tells the job's listeners; false for an unknown job. */
  apply(promptId: string, event: JobEvent, at?: number): boolean;
  /**
   * Moves a job to a status without an event (the watchdog saw it running). A finished job stays finished.
   * Returns the record when the status changed, else undefined.
   */
  advance(promptId: string, status: JobStatus, at?: number): JobRecord | undefined;
  /**
   * Ends a job the gateway removed from ComfyUI's queue before it started: `cancelled`, with the reason as its
   * error, no start time. Its listeners hear a `CANCELLED_EVENT`. Only a job still queued is cancelled (one that
   * started meanwhile ends by its own events); returns the record when it was.
   */
  cancel(promptId: string, reason: CancelReason, at?: number): JobRecord | undefined;
  /** Called after every record(); the returned function unsubscribes. */
  onRecord(listener: (job: JobRecord) => void): () => void;
  /** Called once when a job succeeds, fails, is interrupted or cancelled; the returned function unsubscribes. */
  onFinished(listener: (job: JobRecord) => void): () => void;
  /** The events of one job from now on; the returned function unsubscribes (idempotent). */
  subscribe(promptId: string, listener: JobListener): () => void;
  /** Jobs not yet succeeded, failed or interrupted. */
  unfinished(): JobRecord[];
  readonly size: number;
}

export function createJobTracker(options: { maxJobs?: number; now?: () => number } = {}): JobTracker {
  const maxJobs = options.maxJobs ?? 10_000;
  const now = options.now ?? Date.now;
  // A Map iterates in insertion order, so the first key is always the oldest job.
  const jobs = new Map<string, JobRecord>();
  // The open jobs on their own, so the watchdog's every tick does not walk 10 000 finished ones.
  const open = new Map<string, JobRecord>();
  const recordListeners = new Set<(job: JobRecord) => void>();
  const finishedListeners = new Set<(job: JobRecord) => void>();
  const listeners = createJobListeners();

  function finish(job: JobRecord): void {
    open.delete(job.promptId);
    for (const listener of finishedListeners) listener(job);
  }

  return {
    record(job) {
      const record: JobRecord = { ...job, status: job.status ?? 'queued', outputs: job.outputs ?? [] };
      jobs.delete(job.promptId);
      jobs.set(job.promptId, record);
      if (isFinished(record.status)) open.delete(record.promptId);
      else open.set(record.promptId, record);
      while (jobs.size > maxJobs) {
        const oldest = jobs.keys().next().value as string;
        jobs.delete(oldest);
        open.delete(oldest);
      }
      for (const listener of recordListeners) listener(record);
      return record;
    },
    get: (promptId) => jobs.get(promptId),
    update(promptId, change) {
      const current = jobs.get(promptId);
      if (!current) return undefined;
      Object.assign(current, change);
      return current;
    },
    apply(promptId, event, at = now()) {
      const job = jobs.get(promptId);
      if (!job) return false;
      const ended = applyEvent(job, event, at);
      listeners.tell(promptId, event, job);
      if (ended) finish(job);
      return true;
    },
    advance(promptId, status, at = now()) {
      const current = jobs.get(promptId);
      if (!current || current.status === status || isFinished(current.status)) return undefined;
      current.status = status;
      if (status === 'running') current.startedAt ??= at;
      if (isFinished(status)) {
        current.finishedAt = at;
        finish(current);
      }
      return current;
    },
    cancel(promptId, reason, at = now()) {
      const job = jobs.get(promptId);
      if (!job || job.status !== 'queued') return undefined;
      job.status = 'cancelled';
      job.finishedAt = at;
      job.error = { node: null, type: reason.type, message: reason.message };
      const event: JobEvent = {
        type: CANCELLED_EVENT,
        data: { prompt_id: promptId, reason: reason.type, message: reason.message },
      };
      listeners.tell(promptId, event, job);
      finish(job);
      return job;
    },
    onRecord(listener) {
      recordListeners.add(listener);
      return () => recordListeners.delete(listener);
    },
    onFinished(listener) {
      finishedListeners.add(listener);
      return () => finishedListeners.delete(listener);
    },
    subscribe: (promptId, listener) => listeners.add(promptId, listener),
    unfinished: () => [...open.values()],
    get size() {
      return jobs.size;
    },
  };
}
