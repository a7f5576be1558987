// The shutdown order: stop taking work, let the answers in flight finish (bounded), and only then stop talking to
// ComfyUI and the store.
import type { Logger } from '../log.js';
import type { HttpDrain } from '../shutdown.js';
import type { GatewaySockets } from '../routes/ws.js';
import type { ScenarioRegistry } from '../scenarios/registry.js';
import type { ScenarioWatcher } from '../scenarios/watch.js';
import type { ConfigWatcher } from '../pool/watch-config.js';
import type { StateStore } from '../store/types.js';
import type { SharedState } from './shared-state.js';
import type { PoolWithInputs } from './pool-with-inputs.js';
import type { Outputs } from './outputs.js';
import type { JobFollowing } from './job-following.js';
import type { Submission } from './submission.js';
import type { EventFlow } from './event-flow.js';
import type { AdoptedStreams } from '../pool/adopted-streams.js';

export interface RunningParts {
  shutdownTimeoutMs: number;
  log: Logger;
  store: StateStore;
  sharedJobs: SharedState['sharedJobs'];
  pooled: PoolWithInputs;
  outputs: Pick<Outputs, 'mirror' | 'deliveries' | 'retention'>;
  following: Pick<JobFollowing, 'jobsClosing' | 'jobDeps'>;
  webhooks: Submission['webhooks'];
  registry: ScenarioRegistry;
  httpDrain: HttpDrain;
  sockets: GatewaySockets;
  watcher: ScenarioWatcher | undefined;
  configWatcher: ConfigWatcher | undefined;
  flow: EventFlow;
  adoptedStreams: AdoptedStreams;
}

export async function closeGateway(parts: RunningParts): Promise<void> {
  const { log, pooled, outputs, flow } = parts;
  // Waiting requests answer with their job's current status and SSE streams end, so the drain is not held.
  parts.following.jobsClosing.close();
  parts.following.jobDeps.feed?.close();
  flow.watchdog.stop();
  // 1. No new connection from here on; requests in flight keep running (they may still need ComfyUI).
  const drained = parts.httpDrain.drain(parts.shutdownTimeoutMs);
  // 2. Upgraded sockets are no longer the HTTP server's connections: they get 1001 "going away" now.
  await Promise.all([parts.sockets.close(), parts.watcher?.close(), parts.configWatcher?.close()]);
  parts.registry.close();
  // 3. Wait for the answers in flight (bounded), and only then stop talking to ComfyUI.
  const result = await drained;
  if (!result.drained) log.warn({ cut: result.cut }, 'shutdown timeout: requests still running were cut');
  await parts.adoptedStreams.close();
  flow.relay.stop();
  flow.stopRemoteRelay();
  // Deliveries still retrying are dropped (docs/webhooks.md: they do not survive a restart).
  await parts.webhooks.stop();
  outputs.retention.stop();
  await outputs.deliveries.close();
  outputs.mirror.stop();
  await outputs.mirror.idle();
  flow.unwireMetrics();
  pooled.stopInputWatch();
  pooled.holds.stop();
  pooled.inputs.close();
  // Past the deadline nobody waits for ComfyUI's answers any more: abort them instead of waiting.
  await pooled.pool.close({ force: !result.drained });
  await parts.sharedJobs?.close();
  await parts.store.close();
}
