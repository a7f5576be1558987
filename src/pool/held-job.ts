// What the dispatcher makes of an accepted submission: the job it holds (enough to send it, again after a failover,
// or from another process after this one died: src/store/redis/queue.ts) and the job's record for the tracker.
import type { Workflow } from '../comfy/types.js';
import { checkpointOf, requirementsOf } from '../backends/capabilities.js';
import type { QueuedJob } from '../backends/gateway-queue.js';
import { writeGatewayExtra } from '../jobs/gateway-extra.js';
import type { SubmitInput } from '../jobs/submit.js';
import type { NewJob } from '../jobs/tracker.js';

/** What the dispatcher keeps of an open job: enough to send it (again) anywhere. Plain JSON. */
export interface HeldJob {
  queued: QueuedJob;
  workflow: Workflow;
  extraData: Record<string, unknown>;
  scenario: string;
  checkpoint: string | undefined;
  /** The input-store images the workflow names (an adopter must have them to send it). */
  inputs?: readonly string[];
}

export interface AcceptedJob {
  held: HeldJob;
  /** The job's record, with what the dispatch decided (number, backend, attempts). */
  record(status: Partial<NewJob>): NewJob;
}

export function acceptedJob(
  promptId: string,
  input: SubmitInput,
  settings: { submittedAt: number; inputs: readonly string[]; mirrorAll: boolean; defaultPriority: number },
): AcceptedJob {
  const { submittedAt, inputs } = settings;
  // A delivering job is always mirrored: the gateway keeps its copy until every delivery succeeded.
  const delivers = (input.deliver?.length ?? 0) > 0 || (input.putUrls?.length ?? 0) > 0;
  const mirror = settings.mirrorAll || input.mirror === true || delivers;
  const requirements = requirementsOf(input.workflow);
  const held: HeldJob = {
    queued: {
      id: promptId,
      caller: input.owner ?? input.clientId ?? '',
      priority: input.priority ?? settings.defaultPriority,
      enqueuedAt: submittedAt,
      requirements,
    },
    workflow: input.workflow,
    extraData: writeGatewayExtra({
      clientId: input.clientId,
      scenario: input.scenario,
      submittedAt,
      owner: input.owner,
      mirror,
      meta: input.meta,
    }),
    scenario: input.scenario ?? '(workflow)',
    checkpoint: checkpointOf(requirements),
    ...(inputs.length ? { inputs } : {}),
  };
  const record = (status: Partial<NewJob>): NewJob => ({
    promptId,
    clientId: input.clientId,
    ...(input.owner !== undefined ? { owner: input.owner } : {}),
    scenario: input.scenario,
    submittedAt,
    number: undefined,
    ...(input.outputNodes?.length ? { outputNodes: input.outputNodes } : {}),
    ...(mirror ? { mirror: true } : {}),
    ...(input.convert ? { convert: input.convert } : {}),
    ...(input.deliver?.length ? { deliver: input.deliver } : {}),
    ...(input.putUrls?.length ? { putUrls: input.putUrls } : {}),
    ...status,
  });
  return { held, record };
}
