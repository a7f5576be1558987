// Events of jobs another gateway process submitted (src/store/redis/jobs.ts) → this process's WebSockets of the
// caller who submitted them: a caller's socket may be on any process behind the load balancer. The same rendering
// as the local relay (relayedData), under the same hub key (owner and client_id), so callers stay apart.
import type { ImageUrlBuilder } from '../images/image-url.js';
import type { SharedJobs } from '../store/types.js';
import { socketKey, type ClientHub } from './client-hub.js';
import { relayedData } from './relay.js';

export function relayRemoteEvents(deps: { shared: SharedJobs; hub: ClientHub; imageUrl: ImageUrlBuilder }): () => void {
  return deps.shared.onEvent((event, job) => {
    if (job.clientId === undefined) return;
    deps.hub.send(socketKey(job.owner, job.clientId), (baseUrl) =>
      JSON.stringify({ type: event.type, data: relayedData(event, deps.imageUrl, baseUrl, job) }),
    );
  });
}
