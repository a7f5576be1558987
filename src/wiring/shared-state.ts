// Where the gateway's state lives: the store (memory or Redis), and with a shared store the job records every
// process can read next to the ones this process writes.
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { createJobTracker, type JobTracker } from '../jobs/tracker.js';
import { createStoreFromConfig } from '../store/from-config.js';
import { shareTracker, type SharedTracker } from '../store/shared-tracker.js';
import type { SharedJobs, SharedQueue, StateStore } from '../store/types.js';

export interface SharedState {
  store: StateStore;
  /** The writer view every part of the gateway uses. */
  tracker: JobTracker;
  /** Present with a shared store: this process's jobs and other processes' ones. */
  sharing: SharedTracker | undefined;
  sharedJobs: SharedJobs | undefined;
  sharedQueue: SharedQueue | undefined;
}

export async function openSharedState(config: Config, log: Logger, upstreamClientId: string): Promise<SharedState> {
  // Idempotency answers, signature nonces, rate buckets, the webhook outbox, and with Redis job records and their
  // events: this process's memory, or Redis shared by every gateway process.
  const store = await createStoreFromConfig(config, log);
  // With a shared store this process writes its own jobs' records and events to it (the writer view every part of
  // the gateway uses), and the routes that follow a job also find other processes' jobs (the reader view).
  const ownJobs = createJobTracker();
  const sharedJobs = store.jobs?.({ ttlMs: config.store.job_ttl_s * 1000, upstreamClientId });
  const sharing = sharedJobs && shareTracker(ownJobs, sharedJobs);
  // The jobs waiting in this process's queue, where the process that adopts them can find them if this one dies.
  const sharedQueue = store.queue?.({ ttlMs: config.store.job_ttl_s * 1000, holder: upstreamClientId });
  const tracker = sharing?.writer ?? ownJobs;
  return { store, tracker, sharing, sharedJobs, sharedQueue };
}
