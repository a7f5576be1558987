// Following prompts (src/jobs, src/routes/jobs.ts): the job answers, how a job nobody here tracks is recovered,
// the recent jobs feed, and the switch that ends the waits and SSE streams still open when the gateway closes.
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { ComfyClient } from '../comfy/client.js';
import type { ImageUrlBuilder } from '../images/image-url.js';
import { createClosing, type ClosingSwitch } from '../jobs/closing.js';
import { createJobFeed } from '../jobs/job-feed.js';
import { trackedJobs } from '../jobs/job-source.js';
import { createJobRecovery } from '../jobs/recover.js';
import type { JobTracker } from '../jobs/tracker.js';
import type { Converter } from '../outputs/convert.js';
import type { GatewayPool } from '../pool/start-pool.js';
import { createJobAnswers, type JobAnswers, type JobRouteDeps } from '../routes/jobs.js';
import type { SharedTracker } from '../store/shared-tracker.js';

export interface JobFollowing {
  jobsClosing: ClosingSwitch;
  jobDeps: JobRouteDeps;
  jobs: JobAnswers;
}

export function createJobFollowing(deps: {
  config: Config;
  log: Logger;
  tracker: JobTracker;
  sharing: SharedTracker | undefined;
  comfy: ComfyClient;
  imageUrl: ImageUrlBuilder;
  pool: GatewayPool;
  converter: Converter;
}): JobFollowing {
  const { tracker, sharing, pool, imageUrl } = deps;
  const jobsClosing = createClosing();
  const recoverFromComfy = createJobRecovery({
    sources: () => pool.backends.list().map((backend) => ({ name: backend.name, comfy: backend.client })),
    tracker,
  });
  const jobDeps: JobRouteDeps = {
    tracker: sharing?.reader ?? tracker,
    comfy: deps.comfy,
    imageUrl,
    // Another process's job is read from the shared store before ComfyUI is asked.
    recover: sharing ? async (id) => (await sharing.find(id)) ?? (await recoverFromComfy(id)) : recoverFromComfy,
    settings: deps.config.jobs,
    log: deps.log,
    closing: jobsClosing,
    // The recent jobs list and its live stream (the console's jobs page): every process's jobs with Redis.
    feed: createJobFeed({ source: sharing?.listed ?? trackedJobs(tracker), imageUrl, closing: jobsClosing }),
    queuePosition: pool.queuePosition,
    converter: deps.converter,
  };
  return { jobsClosing, jobDeps, jobs: createJobAnswers(jobDeps) };
}
