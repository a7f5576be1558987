// GET /health: is the pool reachable? Every backend is asked for /system_stats at once; 200 when at least one
// answers, with the first answering one as `comfyui` (its latency and version) and every backend in `backends`;
// else 503 with code 1001 naming the first backend, and the same objects in `details`.
import type { RouteGroup } from '../app.js';
import type { ComfyClient } from '../comfy/client.js';
import type { GatewayPool } from '../pool/start-pool.js';
import type { Config } from '../config.js';
import { GatewayError, fail } from '../errors.js';
import { defineRoute } from '../http/define-route.js';
import { ok, stateOf } from '../http/envelope.js';

interface BackendHealth {
  name: string;
  url: string;
  reachable: boolean;
  latency_ms: number | null;
  version: string | null;
  draining: boolean;
  error: string | null;
}

export function healthRoutes(deps: { config: Config; comfy: ComfyClient; pool: GatewayPool }): RouteGroup {

  const health = defineRoute({
    method: 'get',
    path: '/health',
    operationId: 'health',
    summary: 'Gateway and ComfyUI health',
    description:
      'Asks every backend for /system_stats. 200 when at least one answers (`comfyui` is the first that did); ' +
      '503 with code 1001 and `details.comfyui = {url, reachable: false, error}` when none does. `backends` lists ' +
      'each one. Needs no API key.',
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
        backends: {
          type: 'array',
          description: 'Every backend: {name, url, reachable, latency_ms, version, draining, error}',
          items: {
            type: 'object',
            required: ['name', 'url', 'reachable'],
            properties: {
              name: { type: 'string', example: 'gpu-a' },
              url: { type: 'string', example: 'http://127.0.0.1:8188' },
              reachable: { type: 'boolean' },
              latency_ms: { type: ['number', 'null'] },
              version: { type: ['string', 'null'] },
              draining: { type: 'boolean' },
              error: { type: ['string', 'null'] },
            },
          },
        },
      },
    },
    errors: [1001],
    async handler(ctx) {
      const locale = stateOf(ctx).locale;
      const usage = new Map((await deps.pool.slots.all()).map((entry) => [entry.backend, entry]));
      const asked = await Promise.all(
        deps.pool.backends.list().map(async (backend) => {
          const started = performance.now();
          try {
            const stats = await backend.client.systemStats();
            const system = stats.system as { comfyui_version?: unknown } | undefined;
            const version = typeof system?.comfyui_version === 'string' ? system.comfyui_version : null;
            const latency = Math.round((performance.now() - started) * 10) / 10;
            return { name: backend.name, url: backend.spec.url, reachable: true, latency_ms: latency, version, error: null };
          } catch (thrown) {
            const error = isUpstream(thrown) ? thrown : fail.upstreamBadAnswer(backend.client.address, String(thrown));
            return { name: backend.name, url: backend.spec.url, reachable: false, latency_ms: null, version: null, error };
          }
        }),
      );
      const backends: BackendHealth[] = asked.map(({ error, ...entry }) => ({
        ...entry,
        draining: usage.get(entry.name)?.draining ?? false,
        error: error ? error.messageIn(locale) : null,
      }));
      const up = asked.find((entry) => entry.reachable);
      if (!up) {
        const first = asked[0] as (typeof asked)[number];
        const error = first.error as GatewayError;
        const comfyui = { url: first.url, reachable: false, error: error.messageIn(locale) };
        // Same catalogue entry and text as the client's error, answered as 503 with the health details.
        throw error.with({ status: 503, details: { comfyui, backends } });
      }
      const comfyui = { url: up.url, reachable: true, latency_ms: up.latency_ms, version: up.version };
      ok(ctx, { status: 'ok', comfyui, backends }, 'health.ok');
    },
  });

  return { name: 'health', routes: [health] };
}

function isUpstream(value: unknown): value is GatewayError {
  return value instanceof GatewayError && value.code === 1001;
}
