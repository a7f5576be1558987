// Prompts the gateway took out of ComfyUI's queue never start, so ComfyUI sends no event for them: without this
// their jobs would stay `queued` until the watchdog wrongly calls them lost. After a removal, each removed prompt
// that is neither pending nor running any more (ComfyUI may have started it just before the removal) is ended as
// `cancelled` by the tracker, which tells its waits, SSE streams, sockets and webhooks.
import type { ComfyClient } from '../comfy/client.js';
import type { CancelReason, JobTracker } from './tracker.js';

export async function cancelRemoved(
  deps: { comfy: Pick<ComfyClient, 'getQueue'>; tracker: Pick<JobTracker, 'get' | 'cancel'> },
  ids: readonly string[],
  reason: CancelReason,
): Promise<void> {
  const tracked = ids.filter((id) => deps.tracker.get(id)?.status === 'queued');
  if (tracked.length === 0) return;
  const queue = await deps.comfy.getQueue();
  const still = new Set([...queue.queue_running, ...queue.queue_pending].map((item) => item[1]));
  for (const id of tracked) if (!still.has(id)) deps.tracker.cancel(id, reason);
}
