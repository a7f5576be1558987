// How one upstream event changes a job's record: status, progress, outputs and error. A pure function of the
// record and the event, so the live stream, the history catch-up, the watchdog and a recovery after a gateway
// restart all reach the same state from the same events.
import type { ImageRef } from '../comfy/types.js';
import type { JobEvent } from './job-event.js';

/** `cancelled`: the gateway removed the prompt before it started (queue/clear, or interrupt while pending). */
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'interrupted' | 'cancelled';

export interface JobProgress {
  node: string | null;
  value: number;
  max: number;
}

/** One image (or other file) an output node produced, as ComfyUI names it. */
export interface JobOutput extends ImageRef {
  node: string;
}

export interface JobError {
  node: string | null;
  type: string;
  message: string;
}

/** The status an event implies; undefined when it says nothing about the status. */
const statusAfter: Record<string, JobStatus | undefined> = {
  execution_start: 'running',
  execution_cached: 'running',
  executing: 'running',
  progress: 'running',
  executed: 'running',
  execution_success: 'succeeded',
  execution_error: 'failed',
  execution_interrupted: 'interrupted',
};

const finished: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'interrupted', 'cancelled']);

export function isFinished(status: JobStatus): boolean {
  return finished.has(status);
}

/** The parts of a job record an event can change. */
export interface JobState {
  status: JobStatus;
  startedAt?: number;
  finishedAt?: number;
  progress?: JobProgress;
  outputs: JobOutput[];
  error?: JobError;
}

/** The status an event moves a job to, or undefined. `executing {node: null}` closes, it never reopens. */
export function statusOf(event: JobEvent): JobStatus | undefined {
  if (event.type === 'executing' && event.data.node === null) return undefined;
  return statusAfter[event.type];
}

/**
 * Applies one event in place. A finished job stays finished: a late or repeated event changes nothing (history
 * replays may repeat an `executed` the live stream already delivered). Returns true when the job just finished.
 */
export function applyEvent(state: JobState, event: JobEvent, at: number): boolean {
  if (isFinished(state.status)) return false;
  const data = event.data;
  if (event.type === 'progress' && typeof data.value === 'number' && typeof data.max === 'number') {
    state.progress = { node: typeof data.node === 'string' ? data.node : null, value: data.value, max: data.max };
  } else if (event.type === 'executed') {
    addOutputs(state.outputs, String(data.node), data.output);
  } else if (event.type === 'execution_error' || event.type === 'execution_interrupted') {
    state.error = errorOf(event);
  }
  const next = statusOf(event);
  if (!next || next === state.status) return false;
  state.status = next;
  if (next === 'running') state.startedAt ??= at;
  if (!isFinished(next)) return false;
  state.startedAt ??= at;
  state.finishedAt = at;
  return true;
}

function addOutputs(outputs: JobOutput[], node: string, output: unknown): void {
  const images = (output as { images?: unknown } | null)?.images;
  if (!Array.isArray(images)) return;
  for (const image of images as Partial<ImageRef>[]) {
    if (typeof image?.filename !== 'string') continue;
    const ref: JobOutput = {
      node,
      filename: image.filename,
      subfolder: typeof image.subfolder === 'string' ? image.subfolder : '',
      type: image.type === 'temp' || image.type === 'input' ? image.type : 'output',
    };
    const seen = outputs.some(
      (o) => o.node === ref.node && o.filename === ref.filename && o.subfolder === ref.subfolder && o.type === ref.type,
    );
    if (!seen) outputs.push(ref);
  }
}

function errorOf(event: JobEvent): JobError {
  const data = event.data;
  const node = typeof data.node_id === 'string' ? data.node_id : null;
  if (event.type === 'execution_interrupted') {
    return { node, type: 'interrupted', message: 'The prompt was interrupted' };
  }
  return {
    node,
    type: typeof data.exception_type === 'string' ? data.exception_type : 'error',
    message: typeof data.exception_message === 'string' ? data.exception_message : 'execution failed',
  };
}
