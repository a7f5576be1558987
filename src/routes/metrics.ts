// GET /metrics: Prometheus text exposition of this gateway's own registry. Not in the envelope: scrapers expect the
// text format. Public unless auth.protect_health is on, like /health (its access is `health`).
import type { RouteGroup } from '../app.js';
import { defineRoute } from '../http/define-route.js';
import type { GatewayMetrics } from '../metrics/metrics.js';

export function metricsRoutes(deps: { metrics: GatewayMetrics }): RouteGroup {
  const { registry } = deps.metrics;
  const scrape = defineRoute({
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    summary: 'Prometheus metrics',
    description:
      'Requests by route template and status, latency histogram, scenario submissions, job durations, ComfyUI ' +
      'queue depth and reachability, upstream errors, scenario reloads, open WebSockets, and Node process metrics. ' +
      'Needs an API key only when `auth.protect_health` is true.',
    tags: ['service'],
    access: 'health',
    rawResponse: { contentTypes: [registry.contentType], description: 'Prometheus text format 0.0.4' },
    async handler(ctx) {
      ctx.type = registry.contentType;
      ctx.body = await registry.metrics();
    },
  });
  return { name: 'metrics', routes: [scrape] };
}
