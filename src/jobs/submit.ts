// Every submission (workflow route, WebSocket `submit`, scenario routes) goes through here, so that each prompt:
// - gets a lowercase hyphenated UUID (newer ComfyUI rejects anything else),
// - is sent under the gateway's own upstream client id (so the gateway hears its events), and
// - carries the caller's client_id, scenario and submit time in extra_data, recoverable after a gateway restart.
import { randomUUID } from 'node:crypto';
import type { ComfyClient } from '../comfy/client.js';
import type { Workflow } from '../comfy/types.js';
import type { ConvertSpec } from '../outputs/convert-options.js';
import { writeGatewayExtra } from './gateway-extra.js';
import type { JobRecord, JobTracker } from './tracker.js';

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
  /** Image outputs offered converted (src/outputs/convert-options.ts). */
  convert?: ConvertSpec;
  /** Sinks the outputs go to (src/outputs/delivery.ts); the job is mirrored so the gateway keeps its copy. */
  deliver?: readonly string[];
  /** `?put_url=` URLs, one per file of the result (also mirrored). */
  putUrls?: readonly string[];
}

export interface Submission {
  promptId: string;
  number: number;
  nodeErrors: Record<string, unknown>;
  job: JobRecord;
}

export type Submitter = (input: SubmitInput) => Promise<Submission>;

export function createSubmitter(deps: {
  comfy: ComfyClient;
  tracker: JobTracker;
  upstreamClientId: string;
  /** jobs.mirror_outputs: every job is mirrored, whatever its input says. */
  mirrorAll?: boolean;
}): Submitter {
  return async (input) => {
    const promptId = randomUUID();
    const delivers = (input.deliver?.length ?? 0) > 0 || (input.putUrls?.length ?? 0) > 0;
    const mirror = deps.mirrorAll === true || input.mirror === true || delivers;
    const submittedAt = Date.now();
    const answer = await deps.comfy.submitPrompt({
      prompt: input.workflow,
      prompt_id: promptId,
      client_id: deps.upstreamClientId,
      extra_data: writeGatewayExtra({
        clientId: input.clientId,
        scenario: input.scenario,
        submittedAt,
        owner: input.owner,
        mirror,
        meta: input.meta,
      }),
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
      ...(input.convert ? { convert: input.convert } : {}),
      ...(input.deliver?.length ? { deliver: input.deliver } : {}),
      ...(input.putUrls?.length ? { putUrls: input.putUrls } : {}),
    });
    return { promptId: answer.prompt_id, number: answer.number, nodeErrors: answer.node_errors, job };
  };
}
