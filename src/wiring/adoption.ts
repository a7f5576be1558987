// A dead process's jobs (shared store only): the sent ones followed live under its client id, the waiting ones
// queued here again.
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { translate } from '../i18n.js';
import type { InputStore } from '../images/input-store.js';
import type { JobEvent } from '../jobs/job-event.js';
import type { JobTracker } from '../jobs/tracker.js';
import { adoptJobs } from '../pool/adopt-jobs.js';
import { createAdoptedStreams, type AdoptedStreams } from '../pool/adopted-streams.js';
import type { GatewayPool } from '../pool/start-pool.js';
import type { SharedJobs, SharedQueue } from '../store/types.js';

export function startAdoption(deps: {
  config: Config;
  log: Logger;
  pool: GatewayPool;
  tracker: JobTracker;
  inputs: InputStore;
  sharedJobs: SharedJobs | undefined;
  sharedQueue: SharedQueue | undefined;
  replay: (event: JobEvent) => void;
}): AdoptedStreams {
  const { config, log, pool, tracker, sharedJobs, replay } = deps;
  const adoptedStreams = createAdoptedStreams({ pool: pool.backends, tracker, attach: pool.attach, replay, log });
  if (sharedJobs) {
    adoptJobs({
      shared: sharedJobs,
      queue: deps.sharedQueue,
      tracker,
      replay,
      dispatcher: pool.dispatcher,
      pool: pool.backends,
      slots: pool.slots,
      streams: adoptedStreams,
      missingInputs: (names) => deps.inputs.missing(names),
      reasons: {
        lost: translate(config.locale, 'reason.gateway_lost'),
        inputsNotShared: (names) => translate(config.locale, 'reason.inputs_not_shared', { names }),
      },
      log,
    });
  }
  return adoptedStreams;
}
