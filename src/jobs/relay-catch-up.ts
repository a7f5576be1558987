// After the upstream stream was away, events sent meanwhile are lost: a prompt that finished during the outage
// would look "running" forever and its caller would never hear the end. On every reconnect, each unfinished job
// is reconciled with ComfyUI's history (reconcile.ts), which replays the end of a prompt that finished meanwhile.
import type { UpstreamEvents } from '../comfy/events.js';
import type { Logger } from '../log.js';
import { reconcileFromHistory, type ReconcileDeps } from './reconcile.js';
import type { JobTracker } from './tracker.js';

export interface CatchUpDeps extends ReconcileDeps {
  events: UpstreamEvents;
  tracker: JobTracker;
  log: Logger;
}

/** Subscribes; returns the unsubscribe function. */
export function catchUpAfterReconnect(deps: CatchUpDeps): () => void {
  let wasConnected = false;
  return deps.events.onConnectionChange((connected) => {
    const reconnect = connected && wasConnected;
    if (connected) wasConnected = true;
    if (!reconnect) return;
    catchUp().catch((error: unknown) => deps.log.warn({ err: error }, 'catching up after the event stream returned failed'));
  });

  async function catchUp(): Promise<void> {
    for (const job of deps.tracker.unfinished()) await reconcileFromHistory(deps, job);
  }
}
