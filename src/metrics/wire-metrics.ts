// Feeds the metrics from what the gateway already publishes (the upstream event stream, the job tracker, the client
// hub), so those parts need no knowledge of Prometheus. Returns a function that detaches every listener.
import type { UpstreamEvents } from '../comfy/events.js';
import type { ClientHub } from '../jobs/client-hub.js';
import type { JobTracker } from '../jobs/tracker.js';
import type { GatewayMetrics } from './metrics.js';

/** The label of submissions that came as raw workflows rather than through a scenario. */
export const WORKFLOW_LABEL = '(workflow)';

export function wireMetrics(
  metrics: GatewayMetrics,
  parts: { events: UpstreamEvents; tracker: JobTracker; hub: Pick<ClientHub, 'size'> },
): () => void {
  const { events, tracker, hub } = parts;
  metrics.observe({ websocketConnections: () => hub.size, upstreamConnected: () => events.connected });
  let wasConnected = events.connected;
  const off = [
    events.on('status', (data) => metrics.queueDepth(data.status.exec_info.queue_remaining)),
    events.onConnectionChange((connected) => {
      if (wasConnected && !connected) metrics.upstreamError('websocket_lost');
      wasConnected = connected;
    }),
    tracker.onRecord((job) => {
      // A job rebuilt from ComfyUI's queue after a restart was counted by whoever submitted it.
      if (!job.recovered) metrics.scenarioSubmitted(job.scenario ?? WORKFLOW_LABEL);
    }),
    tracker.onFinished((job) => {
      if (job.recovered || job.finishedAt === undefined) return;
      metrics.jobFinished(job.scenario ?? WORKFLOW_LABEL, job.status, (job.finishedAt - job.submittedAt) / 1000);
    }),
  ];
  return () => {
    for (const unsubscribe of off) unsubscribe();
  };
}
