// The one submission path of the workflow route, the scenario routes and the WebSocket `submit`, with what it
// checks and starts: job-end webhooks (src/webhooks), Idempotency-Key, the sinks and put URLs a job names.
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { ImageUrlBuilder } from '../images/image-url.js';
import { createIdempotency } from '../http/idempotency.js';
import type { Submitter } from '../jobs/submit.js';
import { createSubmitJob, type SubmitJob } from '../jobs/submit-job.js';
import { restoreInlined, takeInlined } from '../jobs/outputs.js';
import type { JobTracker } from '../jobs/tracker.js';
import { putUrlCheck, sinkCheck } from '../outputs/sinks.js';
import type { GatewayPool } from '../pool/start-pool.js';
import type { JobAnswers } from '../routes/jobs.js';
import type { StateStore } from '../store/types.js';
import { createWebhooksFromConfig } from '../webhooks/from-config.js';
import type { JobWebhooks } from '../webhooks/job-webhooks.js';
import type { Outputs } from './outputs.js';

export interface Submission {
  submitJob: SubmitJob;
  webhooks: JobWebhooks;
  idempotencyStore: ReturnType<StateStore['idempotency']>;
}

export function createSubmission(deps: {
  config: Config;
  log: Logger;
  store: StateStore;
  tracker: JobTracker;
  imageUrl: ImageUrlBuilder;
  pool: GatewayPool;
  submit: Submitter;
  jobs: JobAnswers;
  outputs: Pick<Outputs, 'converter' | 'deliveries' | 'putter'>;
}): Submission {
  const { config, store, pool } = deps;
  const { converter, deliveries, putter } = deps.outputs;
  const webhooks = createWebhooksFromConfig({
    config,
    tracker: deps.tracker,
    imageUrl: deps.imageUrl,
    log: deps.log,
    store,
    ready: (job) => deliveries.settled(job.promptId),
  });
  const idempotencyStore = store.idempotency({
    maxKeys: config.idempotency.max_keys,
    maxBytes: config.idempotency.max_bytes,
    ttlMs: config.idempotency.ttl_s * 1000,
  });
  // Answers are kept without their inline images; a replay reads them again from ComfyUI's output folder.
  const idempotency = createIdempotency(idempotencyStore, {
    take: takeInlined,
    restore: (body, parts) =>
      restoreInlined(body, parts, { comfy: pool.viewerFor(body), converter }, config.jobs.base64_max_bytes),
  });
  const submitJob = createSubmitJob({
    submit: deps.submit,
    webhooks,
    idempotency,
    result: deps.jobs.withResult,
    sinks: sinkCheck(deliveries.sinkNames),
    putUrls: putUrlCheck(putter),
  });
  return { submitJob, webhooks, idempotencyStore };
}
