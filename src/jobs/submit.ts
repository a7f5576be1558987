// What every submission (workflow route, WebSocket `submit`, scenario routes) hands the dispatcher, and what it
// gets back. The dispatcher (src/pool/dispatcher.ts) gives each prompt a lowercase hyphenated UUID (newer ComfyUI
// rejects anything else), sends it under the gateway's own upstream client id (so the gateway hears its events) and
// stores the caller's client_id, scenario and submit time in extra_data, recoverable after a gateway restart.
import type { Workflow } from '../comfy/types.js';
import type { JobRecord } from './tracker.js';

export interface SubmitInput {
  workflow: Workflow;
  clientId?: string | undefined;
  /** The submitting caller's id (src/security/caller.ts); absent on a single-tenant gateway. */
  owner?: string | undefined;
  scenario?: string | undefined;
  /** Extra metadata stored with the job in extra_data.gateway (a scenario's result nodes, as `outputs`). */
  meta?: Record<string, unknown>;
  /** Copy the results to the gateway's output folder (a manifest's `outputs.mirror`); jobs.mirror_outputs: all. */
  mirror?: boolean;
  /** The scenario's result nodes (manifest `outputs`), recorded on the job so its document lists only those. */
  outputNodes?: readonly string[];
  /** Higher goes first among jobs waiting in the gateway's queue (already capped for the caller). */
  priority?: number | undefined;
}

export interface Submission {
  promptId: string;
  /** ComfyUI's queue number; null while the job waits in the gateway's queue. */
  number: number | null;
  nodeErrors: Record<string, unknown>;
  job: JobRecord;
  /** Only when the job waits in the gateway's queue: 1 = the next to go. */
  queuePosition?: number;
}

/** Sends the prompt to a backend, or queues it in the gateway (src/pool/dispatcher.ts), and records the job. */
export type Submitter = (input: SubmitInput) => Promise<Submission>;
