// How one upstream event changes a job's record: status, progress, outputs and error. A pure function of the
// record and the event, so the live stream, the history catch-up, the watchdog and a recovery after a gateway
// restart all reach the same state from the same events.
import type { ImageRef } from '../comfy/types.js';
import { readNodeOutput } from '../outputs/classify.js';
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
  /** The node said its pictures move (`animated: [true]`): an animated WebP or PNG, a WebM, an MP4. */
  animated?: boolean;
  /** Bytes, once the gateway has its own copy (src/jobs/mirror.ts). */
  size?: number;
}

/** One text an output node produced (PreviewAny): no file, the text itself. */
export interface JobText {
  node: string;
  text: string;
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
  /** Text outputs, in the order they came; absent until the first one. */
  texts?: JobText[];
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
    addOutputs(state, String(data.node), data.output);
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

function addOutputs(state: JobState, node: string, output: unknown): void {
  const { files, texts } = readNodeOutput(output);
  for (const file of files) {
    const ref: JobOutput = { node, filename: file.filename, subfolder: file.subfolder, type: file.type };
    if (file.animated) ref.animated = true;
    const seen = state.outputs.some(
      (o) => o.node === ref.node && o.filename === ref.filename && o.subfolder === ref.subfolder && o.type === ref.type,
    );
    if (!seen) state.outputs.push(ref);
  }
  if (texts.length === 0) return;
  // A history replay repeats what the live stream delivered: a node's texts are taken once.
  const kept = (state.texts ??= []);
  if (kept.some((entry) => entry.node === node)) return;
  for (const text of texts) kept.push({ node, text });
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
