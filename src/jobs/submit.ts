// Every submission (workflow route, WebSocket `submit`, scenario routes) goes through here, so that each prompt:
// - gets a lowercase hyphenated UUID (newer ComfyUI rejects anything else),
// - is sent under the gateway's own upstream client id (so the gateway hears its events), and
// - carries the caller's client_id, scenario and submit time in extra_data, recoverable after a gateway restart.
import { randomUUID } from 'node:crypto';
import type { ComfyClient } from '../comfy/client.js';
import type { Workflow } from '../comfy/types.js';
import type { JobRecord, JobTracker } from './tracker.js';

export interface SubmitInput {
  workflow: Workflow;
  clientId?: string | undefined;
  /** The submitting caller's id (src/security/caller.ts); absent on a single-tenant gateway. */
  owner?: string | undefined;
  scenario?: string | undefined;
  /** Extra metadata stored with the job in extra_data.gateway (webhook URL, output choices: issue #4). */
  meta?: Record<string, unknown>;
  /** Copy the results to the gateway's output folder (a manifest's `outputs.mirror`); jobs.mirror_outputs: all. */
  mirror?: boolean;
  /** The scenario's result nodes (manifest `outputs`), recorded on the job so its document lists only those. */
  outputNodes?: readonly string[];
}

export interface Submission {
  promptId: string;
  number: number;
  nodeErrors: Record<string, unknown>;
  job: JobRecord;
}

export type Submitter = (input: SubmitInput) => Promise<Submission>;

/** The key under extra_data where the gateway keeps its own metadata. */
export const GATEWAY_EXTRA_KEY = 'gateway';

export function createSubmitter(deps: {
  comfy: ComfyClient;
  tracker: JobTracker;
  upstreamClientId: string;
  /** jobs.mirror_outputs: every job is mirrored, whatever its input says. */
  mirrorAll?: boolean;
}): Submitter {
  return async (input) => {
    const promptId = randomUUID();
    const mirror = deps.mirrorAll === true || input.mirror === true;
    const submittedAt = Date.now();
    const answer = await deps.comfy.submitPrompt({
      prompt: input.workflow,
      prompt_id: promptId,
      client_id: deps.upstreamClientId,
      extra_data: {
        [GATEWAY_EXTRA_KEY]: {
          client_id: input.clientId ?? null,
          scenario: input.scenario ?? null,
          submitted_at: submittedAt,
          ...input.meta,
          // The owner travels with the prompt, so a job rebuilt after a restart stays its caller's alone.
          ...(input.owner !== undefined ? { owner: input.owner } : {}),
          // Kept with the prompt, so a job recovered after a restart still links to its copy.
          ...(mirror ? { mirror: true } : {}),
        },
      },
    });
    const job = deps.tracker.record({
      promptId: answer.prompt_id,
      clientId: input.clientId,
      ...(input.owner !== undefined ? { owner: input.owner } : {}),
      scenario: input.scenario,
      submittedAt,
      number: answer.number,
      ...(input.outputNodes?.length ? { outputNodes: input.outputNodes } : {}),
      ...(mirror ? { mirror: true } : {}),
    });
    return { promptId: answer.prompt_id, number: answer.number, nodeErrors: answer.node_errors, job };
  };
}

/** The owner the submitter wrote into a prompt's extra_data, or undefined (auth off, or submitted around us). */
export function ownerInExtra(extraData: Record<string, unknown> | undefined): string | undefined {
  const meta = extraData?.[GATEWAY_EXTRA_KEY] as { owner?: unknown } | undefined;
  return typeof meta?.owner === 'string' ? meta.owner : undefined;
}
