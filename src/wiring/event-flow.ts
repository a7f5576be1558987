// The event flow: ComfyUI's stream → relay → tracker → the caller's sockets, SSE streams, waits and webhooks.
// ComfyUI may not be up yet: the stream keeps trying in the background.
import type { Logger } from '../log.js';
import type { UpstreamEvents } from '../comfy/events.js';
import type { ImageUrlBuilder } from '../images/image-url.js';
import { createClientHub, type ClientHub } from '../jobs/client-hub.js';
import { createProgressRelay, type ProgressRelay } from '../jobs/relay.js';
import { relayRemoteEvents } from '../jobs/relay-remote.js';
import type { JobTracker } from '../jobs/tracker.js';
import type { Watchdog } from '../jobs/watchdog.js';
import type { GatewayMetrics } from '../metrics/metrics.js';
import { wireMetrics } from '../metrics/wire-metrics.js';
import type { GatewayPool } from '../pool/start-pool.js';
import type { SharedJobs } from '../store/types.js';

export interface EventFlow {
  /** The first backend's event stream. */
  events: UpstreamEvents;
  hub: ClientHub;
  relay: ProgressRelay;
  watchdog: Watchdog;
  /** Other processes' jobs no longer reach this process's sockets. */
  stopRemoteRelay: () => void;
  unwireMetrics: () => void;
}

export function startEventFlow(deps: {
  pool: GatewayPool;
  tracker: JobTracker;
  sharedJobs: SharedJobs | undefined;
  imageUrl: ImageUrlBuilder;
  metrics: GatewayMetrics | undefined;
  log: Logger;
}): EventFlow {
  const { pool, tracker, sharedJobs, imageUrl, metrics } = deps;
  const events = pool.backends.list()[0]!.events;
  const hub = createClientHub();
  const relay = createProgressRelay({ events: pool.events, tracker, hub, imageUrl, log: deps.log });
  // Other processes' jobs → this process's sockets of their callers.
  const stopRemoteRelay = sharedJobs ? relayRemoteEvents({ shared: sharedJobs, hub, imageUrl }) : () => undefined;
  const unwireMetrics = metrics ? wireMetrics(metrics, { events, tracker, hub }) : () => undefined;
  // Each backend's catch-up after a reconnect and its watchdog, over the jobs it owns.
  const watchdog: Watchdog = pool.follow({ replay: relay.receive });
  return { events, hub, relay, watchdog, stopRemoteRelay, unwireMetrics };
}
