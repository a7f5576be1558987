// GET /health: is ComfyUI reachable? Machine-readable either way: 200 with its latency and version, or 503
// with code 1001 and the same `comfyui` object (reachable: false, error) in `details`.
import type { RouteGroup } from '../app.js';
import type { ComfyClient } from '../comfy/client.js';
import type { Config } from '../config.js';
import { GatewayError, fail } from '../errors.js';
import { defineRoute } from '../http/define-route.js';
import { ok, stateOf } from '../http/envelope.js';

export function healthRoutes(deps: { config: Config; comfy: ComfyClient }): RouteGroup {
  const url = deps.config.comfyui.url;

  const health = defineRoute({
    method: 'get',
    path: '/health',
    operationId: 'health',
    summary: 'Gateway and ComfyUI health',
    description:
      'Asks ComfyUI for /system_stats. 200 when it answers; 503 with code 1001 and ' +
      '`details.comfyui = {url, reachable: false, error}` when it does not. Needs no API key.',
    tags: ['service'],
    access: 'health',
    response: {
      type: 'object',
      required: ['status', 'comfyui'],
      properties: {
        status: { type: 'string', enum: ['ok'] },
        comfyui: {
          type: 'object',
          required: ['url', 'reachable', 'latency_ms', 'version'],
          properties: {
            url: { type: 'string', example: 'http://127.0.0.1:8188' },
            reachable: { type: 'boolean', example: true },
            latency_ms: { type: 'number', description: 'Round trip of /system_stats', example: 3.2 },
            version: { type: ['string', 'null'], example: '0.3.64' },
          },
        },
      },
    },
    errors: [1001],
    async handler(ctx) {
      const started = performance.now();
      let stats: Record<string, unknown>;
      try {
        stats = await deps.comfy.systemStats();
      } catch (thrown) {
        const error = isUpstream(thrown) ? thrown : fail.upstreamBadAnswer(deps.comfy.address, String(thrown));
        const locale = stateOf(ctx).locale;
        // Same catalogue entry and text as the client's error, answered as 503 with the health details.
        throw error.with({ status: 503, details: { comfyui: { url, reachable: false, error: error.messageIn(locale) } } });
      }
      const latency = Math.round((performance.now() - started) * 10) / 10;
      const system = stats.system as { comfyui_version?: unknown } | undefined;
      const version = typeof system?.comfyui_version === 'string' ? system.comfyui_version : null;
      ok(ctx, { status: 'ok', comfyui: { url, reachable: true, latency_ms: latency, version } }, 'health.ok');
    },
  });

  return { name: 'health', routes: [health] };
}

function isUpstream(value: unknown): value is GatewayError {
  return value instanceof GatewayError && value.code === 1001;
}
