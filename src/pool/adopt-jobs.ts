// What a process does with the open jobs of a gateway process that died (handed to exactly one process by the
// store: src/store/redis/adoption.ts). It becomes their writer, and:
// - a job sent to a backend is followed there: recorded as recovered (the watchdog polls it) and, under the dead
//   process's client id, live (adopted-streams.ts);
// - a job that waited in the dead process's gateway queue joins this process's queue at its original place, from
//   the payload the dead process kept in the shared queue, and is dispatched from here; its input images are pushed
//   from this process's input store, so a job whose image is not in this process's folder fails with a reason
//   saying the processes must share it;
// - a job whose payload is gone (Redis lost it, or it outlived the job ttl) fails as `gateway_lost`.
// A job recorded as sent whose payload is still there was being sent when its process died: it is followed if its
// backend knows it, else queued again.
import type { Logger } from '../log.js';
import type { JobEvent } from '../jobs/job-event.js';
import type { JobRecord, JobTracker } from '../jobs/tracker.js';
import { isFinished } from '../jobs/tracker.js';
import type { Orphans, SharedJobs, SharedQueue } from '../store/types.js';
import type { AdoptedStreams } from './adopted-streams.js';
import type { Dispatcher } from './dispatcher.js';
import type { HeldJob } from './held-job.js';
import type { Pool } from './pool.js';
import type { SlotStore } from '../backends/slots.js';

export interface AdoptJobsDeps {
  shared: Pick<SharedJobs, 'adoptWith'>;
  queue: Pick<SharedQueue, 'read' | 'release'> | undefined;
  /** The writer view: this process's jobs only. */
  tracker: JobTracker;
  /** The relay's entry point: a job failed here is heard like any other end (caller's sockets included). */
  replay(event: JobEvent): void;
  dispatcher: Pick<Dispatcher, 'adopt' | 'disown'>;
  pool: Pick<Pool, 'get'>;
  /** The slots of the jobs followed where they are become this process's to renew and release. */
  slots: Pick<SlotStore, 'keep'>;
  streams: Pick<AdoptedStreams, 'follow'>;
  /** The input images among these that this process's input store does not have. */
  missingInputs(names: readonly string[]): Promise<string[]>;
  /** Error messages in the configured language. */
  reasons: { lost: string; inputsNotShared(names: string): string };
  log: Logger;
}

export function adoptJobs(deps: AdoptJobsDeps): void {
  const { tracker, log } = deps;

  function fail(job: JobRecord, type: string, message: string): void {
    tracker.record({ ...job, recovered: true });
    deps.replay({
      type: 'execution_error',
      data: { prompt_id: job.promptId, node_id: null, node_type: null, exception_type: type, exception_message: message },
    });
  }

  /** Whether the backend has the prompt (queued, running or in its history); when it cannot say, assumed so. */
  async function reached(name: string, promptId: string): Promise<boolean> {
    const backend = deps.pool.get(name);
    if (!backend) return true;
    try {
      const queue = await backend.client.getQueue();
      if ([...queue.queue_running, ...queue.queue_pending].some((item) => item[1] === promptId)) return true;
      return Boolean(await backend.client.getHistory(promptId));
    } catch {
      return true;
    }
  }

  /** Into this process's queue; false when this process lacks one of its input images (the job failed). */
  async function requeue(job: JobRecord, held: HeldJob): Promise<boolean> {
    const missing = await deps.missingInputs(held.inputs ?? []);
    if (missing.length) {
      log.warn({ promptId: job.promptId, missing }, 'an adopted job names input images this process does not have');
      fail(job, 'input_not_shared', deps.reasons.inputsNotShared(missing.join(', ')));
      deps.queue?.release(job.promptId);
      return false;
    }
    // Sent from here, under this process's own id: its events come to this process's own stream.
    const { recovered: _recovered, sentUnder: _sentUnder, ...rest } = job;
    tracker.record({ ...rest, backend: undefined, number: undefined });
    return deps.dispatcher.adopt(held);
  }

  async function take(orphans: Orphans): Promise<void> {
    const open = orphans.jobs.filter((job) => !isFinished(job.status) && !tracker.get(job.promptId));
    let payloads = new Map<string, HeldJob>();
    try {
      payloads = (await deps.queue?.read(open.map((job) => job.promptId))) ?? payloads;
    } catch (error) {
      log.warn({ err: error }, 'could not read the adopted jobs waiting in the dead process queue');
    }
    const followed = new Map<string, { clientId: string; backend: string; ids: string[] }>();
    const follow = (clientId: string, backend: string, promptId: string): void => {
      const key = `${clientId}\u0000${backend}`;
      const entry = followed.get(key) ?? { clientId, backend, ids: [] };
      entry.ids.push(promptId);
      followed.set(key, entry);
    };
    const counts = { followed: 0, queued: 0, failed: 0 };
    for (const job of open) {
      const held = payloads.get(job.promptId);
      if (job.backend !== undefined && (!held || (await reached(job.backend, job.promptId)))) {
        // Its backend has it: what was kept to send it is not needed any more.
        if (held) deps.queue?.release(job.promptId);
        // Sent under the dead process's id, or under an earlier one's if the dead process had adopted it itself.
        const sentUnder = job.sentUnder ?? orphans.upstreamClientId;
        tracker.record({ ...job, recovered: true, ...(sentUnder !== undefined ? { sentUnder } : {}) });
        if (sentUnder !== undefined) follow(sentUnder, job.backend, job.promptId);
        // Its lease would lapse with the dead process's renewals, letting the backend be sent more than its slots.
        await deps.slots
          .keep(job.backend, { jobId: job.promptId, scenario: job.scenario ?? '(workflow)', at: Date.now() })
          .catch((error: unknown) => log.warn({ err: error, promptId: job.promptId }, 'could not keep an adopted job\'s slot'));
        counts.followed += 1;
      } else if (held && (await requeue(job, held))) {
        counts.queued += 1;
      } else {
        if (!held) fail(job, 'gateway_lost', deps.reasons.lost);
        counts.failed += 1;
      }
    }
    log.info({ process: orphans.process, ...counts }, 'adopted jobs taken over');
    for (const { clientId, backend, ids } of followed.values()) deps.streams.follow(clientId, backend, ids);
  }

  deps.shared.adoptWith(
    (orphans) => {
      take(orphans).catch((error: unknown) => log.error({ err: error, process: orphans.process }, 'adopting jobs failed'));
    },
    // Back from a freeze: what waited here is another process's now, and must not be sent from here too. (Jobs it
    // had sent are followed by both until they end: the same end, from the same history.)
    (promptIds) => {
      for (const id of promptIds) deps.dispatcher.disown(id);
    },
  );
}
