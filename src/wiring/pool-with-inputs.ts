// The pool of backends together with the store of input images: every input image given to the gateway is kept
// in the store first and pushed to the backend a job goes to.
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { GatewayMetrics } from '../metrics/metrics.js';
import type { InputStore } from '../images/input-store.js';
import { createInputStoreFromConfig } from '../images/input-store-from-config.js';
import { holdJobInputs, type JobInputHolds } from '../images/hold-job-inputs.js';
import { createPoolInputs } from '../pool/pool-inputs.js';
import { startPool, type GatewayPool } from '../pool/start-pool.js';
import type { SharedState } from './shared-state.js';

export interface PoolWithInputs {
  pool: GatewayPool;
  inputs: InputStore;
  holds: JobInputHolds;
  /** What an upload does at once (src/pool/pool-inputs.ts). */
  deliverInput: (name: string) => Promise<void>;
  stopInputWatch: () => void;
}

export async function startPoolWithInputs(deps: {
  config: Config;
  log: Logger;
  metrics: GatewayMetrics | undefined;
  state: SharedState;
  upstreamClientId: string;
}): Promise<PoolWithInputs> {
  const { config, log, metrics, state } = deps;
  const { store, tracker, sharedQueue } = state;
  const inputs = await createInputStoreFromConfig(config, log);
  const poolInputs = createPoolInputs(inputs, () => pool.backends);
  // Every backend: its client, event stream, health and catalogue; the gateway's queue and the dispatcher.
  // A job's input images are held from its acceptance until it ends, so the folder's cleanup never takes them.
  const holds = holdJobInputs({ inputs, tracker });
  const pool = await startPool({
    config,
    tracker,
    upstreamClientId: deps.upstreamClientId,
    log,
    metrics,
    beforeSend: poolInputs.beforeSend,
    holds,
    ...(store.slots ? { sharedSlots: store.slots() } : {}),
    ...(sharedQueue ? { sharedQueue } : {}),
  });
  const stopInputWatch = poolInputs.watch(pool.backends);
  return { pool, inputs, holds, deliverInput: poolInputs.deliver, stopInputWatch };
}
