// The one way a prompt reaches a backend. The gateway names the prompt (a UUID, so a re-send after a failover is
// the same prompt), checks which backends can run it, and sends it only where a slot is free: at once when one is
// (the caller then gets ComfyUI's own answer, validation errors included, exactly as with a single ComfyUI), else
// the job waits in the gateway's queue (priority, aging, per-caller turns) and the answer says `queued` with its
// position. Finished jobs free their slot, and every freed slot, returning backend or new arrival pumps the queue.
import { randomUUID } from 'node:crypto';
import type { ComfyClient } from '../comfy/client.js';
import type { Workflow } from '../comfy/types.js';
import { fail, isGatewayError, type GatewayError } from '../errors.js';
import type { Logger } from '../log.js';
import { chooseBackend } from '../backends/choose-backend.js';
import { explain } from '../backends/explain-missing.js';
import { createGatewayQueue, type GatewayQueue, type QueuedJob } from '../backends/gateway-queue.js';
import type { RunTimeEstimates } from '../backends/run-time-estimates.js';
import type { SlotStore } from '../backends/slots.js';
import type { SubmitInput, Submission } from '../jobs/submit.js';
import type { JobTracker } from '../jobs/tracker.js';
import type { SharedQueue } from '../store/types.js';
import type { Backend } from './backend.js';
import { createDispatchCandidates } from './dispatch-candidates.js';
import { acceptedJob, type HeldJob } from './held-job.js';
import { oneRoundAtATime } from './one-round-at-a-time.js';
import type { Pool } from './pool.js';

/** Called right before POST /prompt (pushing the prompt's input images to that backend, for one). */
export type BeforeSend = (backend: { name: string; client: ComfyClient }, prompt: Workflow) => Promise<void>;

export interface DispatchHooks {
  dispatched?(backend: string, waitedMs: number): void;
}

export interface DispatcherDeps {
  pool: Pool;
  slots: SlotStore;
  tracker: JobTracker;
  estimates: RunTimeEstimates;
  upstreamClientId: string;
  /** jobs.mirror_outputs: every job is mirrored, whatever its input says. */
  mirrorAll?: boolean;
  defaultPriority: number;
  log: Logger;
  beforeSend?: BeforeSend;
  /**
   * Keeps what an accepted job needs later (its input images) until the job ends; let go if it is refused. hold()
   * answers the names it holds.
   */
  holds?: { hold(promptId: string, workflow: Workflow): readonly string[] | void; release(promptId: string): void };
  /** Where a job waiting in this process's queue is kept for another process to adopt (the Redis store). */
  sharedQueue?: Pick<SharedQueue, 'hold' | 'release' | 'owns'>;
  hooks?: DispatchHooks;
  now?: () => number;
}

export interface Dispatcher {
  submit(input: SubmitInput): Promise<Submission>;
  /** 1 = the next to go; undefined when the job is not waiting in the gateway. */
  position(promptId: string): number | undefined;
  /** The gateway-held jobs, in dispatch order. */
  waiting(): QueuedJob[];
  held(promptId: string): HeldJob | undefined;
  /** Puts an open job (again) into the gateway's queue, at its first place in line. */
  requeue(promptId: string): boolean;
  /** Takes a job out of the gateway's queue (cancel, clear, timeout). */
  unqueue(promptId: string): boolean;
  /**
   * A job another process held in its queue and died with (its record is already in the tracker): it joins this
   * queue at its original place (its enqueuedAt, priority and caller) and is sent from here like any other.
   */
  adopt(job: HeldJob): boolean;
  /**
   * The opposite: another process adopted this job while this one did not answer. It leaves this queue without
   * ending, and its shared copy (now the adopter's) is left alone.
   */
  disown(promptId: string): boolean;
  /** Tries to fill every free slot now. */
  pump(): void;
}

export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const now = deps.now ?? Date.now;
  const queue: GatewayQueue = createGatewayQueue({ now });
  const held = new Map<string, HeldJob>();
  const { active, canRunOn, candidates, chose, noneUp } = createDispatchCandidates({ ...deps, now });
  /** Jobs whose payload is in the shared queue: released once sent or ended. */
  const shared = new Set<string>();

  /** Into this process's queue, and where another process can find it if this one dies. */
  function enqueue(job: HeldJob): void {
    queue.enqueue(job.queued);
    if (!deps.sharedQueue || shared.has(job.queued.id)) return;
    shared.add(job.queued.id);
    deps.sharedQueue.hold(job);
  }

  function unshare(promptId: string): void {
    if (shared.delete(promptId)) deps.sharedQueue?.release(promptId);
  }

  /** POST /prompt to that backend under the gateway's own client id; the slot is already taken. */
  async function send(job: HeldJob, backend: Backend): Promise<{ number: number; node_errors: Record<string, unknown> }> {
    chose(backend, job.checkpoint);
    await deps.beforeSend?.({ name: backend.name, client: backend.client }, job.workflow);
    const answer = await backend.client.submitPrompt({
      prompt: job.workflow,
      prompt_id: job.queued.id,
      client_id: deps.upstreamClientId,
      extra_data: job.extraData,
    });
    deps.hooks?.dispatched?.(backend.name, now() - job.queued.enqueuedAt);
    return answer;
  }

  function unreachable(error: unknown): error is GatewayError {
    return isGatewayError(error) && error.code === 1001;
  }

  async function submit(input: SubmitInput): Promise<Submission> {
    const promptId = randomUUID();
    const inputs = deps.holds?.hold(promptId, input.workflow) ?? [];
    try {
      return await accept(promptId, input, inputs);
    } catch (error) {
      deps.holds?.release(promptId);
      throw error;
    }
  }

  async function accept(promptId: string, input: SubmitInput, inputs: readonly string[]): Promise<Submission> {
    const { held: job, record } = acceptedJob(promptId, input, {
      submittedAt: now(),
      inputs,
      mirrorAll: deps.mirrorAll === true,
      defaultPriority: deps.defaultPriority,
    });
    const requirements = job.queued.requirements;
    let options = await candidates(requirements);
    if (!options.some((option) => option.capable)) {
      const described = explain(requirements, active().flatMap((b) => (b.capabilities ? [{ name: b.name, capabilities: b.capabilities }] : [])));
      throw fail.workflowRejected(described.message, { backends: described.backends });
    }
    // None up: try them anyway, the send itself is the probe (a refused port answers at once, as with one ComfyUI).
    if (!options.some((option) => option.up)) options = options.map((option) => ({ ...option, up: true }));
    // A free slot now, and nobody waiting ahead: send at once and answer with ComfyUI's own answer.
    let lastError: unknown;
    while (queue.size === 0) {
      const chosen = chooseBackend(options, job.checkpoint !== undefined ? { checkpoint: job.checkpoint } : {});
      if (!chosen) break;
      const backend = chosen.backend;
      if (!(await deps.slots.tryAcquire(backend.name, { jobId: promptId, scenario: job.scenario, at: now() }))) {
        options = options.filter((option) => option !== chosen);
        continue;
      }
      try {
        const answer = await send(job, backend);
        held.set(promptId, job);
        const recorded = deps.tracker.record(record({ number: answer.number, backend: backend.name, attempts: 1 }));
        return { promptId, number: answer.number, nodeErrors: answer.node_errors, job: recorded };
      } catch (error) {
        await deps.slots.release(backend.name, promptId);
        if (!unreachable(error)) throw error;
        backend.reportFailure(error);
        lastError = error;
        options = options.filter((option) => option !== chosen);
      }
    }
    if (lastError !== undefined && !options.some((option) => option.up && option.capable && option.backend.up)) {
      throw active().length > 1 ? noneUp() : lastError;
    }
    // Every capable backend is busy (or down but coming back): the job waits in the gateway's queue.
    held.set(promptId, job);
    const recorded = deps.tracker.record(record({ attempts: 0 }));
    enqueue(job);
    pump();
    return { promptId, number: null, nodeErrors: {}, job: recorded, queuePosition: queue.position(promptId) ?? 1 };
  }

  /** Sends a job taken from the queue; on an unreachable backend it goes back in line, on a refusal it fails. */
  async function dispatchTaken(job: HeldJob, backend: Backend): Promise<void> {
    const id = job.queued.id;
    if (shared.has(id) && deps.sharedQueue && !(await deps.sharedQueue.owns(id))) {
      // This process stopped answering long enough for another to adopt the job: that one sends it, not this one.
      await deps.slots.release(backend.name, id);
      disown(id);
      return;
    }
    const attempts = (deps.tracker.get(id)?.attempts ?? 0) + 1;
    // Owned before the POST, so events of a prompt that starts at once are not taken for a stranger's.
    deps.tracker.update(id, { backend: backend.name, attempts });
    try {
      const answer = await send(job, backend);
      deps.tracker.update(id, { number: answer.number });
      // Sent: from here its backend has it, and an adopter follows it there.
      unshare(id);
      deps.log.info({ promptId: id, backend: backend.name, attempts }, 'job sent to backend');
    } catch (error) {
      await deps.slots.release(backend.name, id);
      // A failover may have put it back in line meanwhile (its backend left while this POST was in flight).
      if (queue.get(id)) return;
      deps.tracker.update(id, { backend: undefined, attempts: attempts - 1 });
      if (unreachable(error)) {
        backend.reportFailure(error);
        enqueue(job);
        return;
      }
      const reason = isGatewayError(error) ? error.message : String(error);
      deps.log.warn({ promptId: id, backend: backend.name, reason }, 'backend refused a queued job');
      deps.tracker.apply(id, {
        type: 'execution_error',
        data: { prompt_id: id, node_id: null, node_type: null, exception_type: 'prompt_rejected', exception_message: reason },
      });
    }
  }

  async function fill(): Promise<void> {
    for (const backend of active()) {
      if (!backend.up) continue;
      const canRun = canRunOn(backend);
      for (;;) {
        const usage = await deps.slots.usage(backend.name);
        if (!usage || usage.free < 1 || queue.size === 0) break;
        const taken = queue.takeFor(canRun);
        if (!taken) break;
        const job = held.get(taken.id);
        const acquired = job && (await deps.slots.tryAcquire(backend.name, { jobId: taken.id, scenario: job.scenario, at: now() }));
        if (!job) continue;
        if (!acquired) {
          queue.enqueue(taken);
          break;
        }
        void dispatchTaken(job, backend).finally(pump);
      }
    }
  }

  /** Tries to fill every free slot; the rounds never overlap (one-round-at-a-time.ts). */
  const pump = oneRoundAtATime(fill, (error: unknown) => deps.log.error({ err: error }, 'dispatch round failed'));

  function disown(promptId: string): boolean {
    if (!held.has(promptId)) return false;
    queue.remove(promptId);
    shared.delete(promptId);
    held.delete(promptId);
    deps.holds?.release(promptId);
    deps.log.warn({ promptId }, 'a job waiting here was adopted by another gateway process meanwhile; left to it');
    return true;
  }

  deps.tracker.onFinished((job) => {
    queue.remove(job.promptId);
    unshare(job.promptId);
    const kept = held.get(job.promptId);
    held.delete(job.promptId);
    if (job.backend === undefined) return;
    void deps.slots.release(job.backend, job.promptId).then((lease) => {
      if (lease?.startedAt !== undefined && job.finishedAt !== undefined && kept) {
        deps.estimates.recordRunTime(kept.scenario, lease.backend, job.finishedAt - lease.startedAt);
      }
      pump();
    });
  });

  return {
    submit,
    position: (promptId) => queue.position(promptId),
    waiting: () => queue.list(),
    held: (promptId) => held.get(promptId),
    requeue(promptId) {
      const job = held.get(promptId);
      if (!job || queue.get(promptId)) return false;
      enqueue(job);
      pump();
      return true;
    },
    unqueue: (promptId) => queue.remove(promptId) !== undefined,
    adopt(job) {
      const id = job.queued.id;
      if (held.has(id) || queue.get(id)) return false;
      deps.holds?.hold(id, job.workflow);
      held.set(id, job);
      enqueue(job);
      pump();
      return true;
    },
    disown,
    pump,
  };
}
