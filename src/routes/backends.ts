// The pool for its operators (admin keys): every backend's state, slots, device and catalogue, and draining one
// for maintenance (it finishes what it holds and gets nothing new) and bringing it back.
import type { RouteGroup } from '../app.js';
import type { ObjectInfo } from '../comfy/types.js';
import { fail } from '../errors.js';
import { defineRoute } from '../http/define-route.js';
import { ok } from '../http/envelope.js';
import { message } from '../i18n.js';
import { kindOfInput } from '../backends/explain-missing.js';
import type { Backend } from '../pool/backend.js';
import type { GatewayPool } from '../pool/start-pool.js';
import type { ChangeSource } from '../console/pool-changes.js';
import { streamReadings } from '../console/reading-stream.js';
import type { Closing } from '../jobs/closing.js';
import { sendEventStream } from '../http/event-stream.js';

/** What the backends stream needs: when to read the pool again, and when the gateway closes. */
export interface BackendStreamDeps {
  changes: ChangeSource;
  closing: Closing;
  onError?: (error: unknown) => void;
}

/** The model folders listed per backend, keyed as callers know them, read from the loaders' COMBO inputs. */
const MODEL_LISTS: readonly [string, string, string][] = [
  ['checkpoints', 'CheckpointLoaderSimple', 'ckpt_name'],
  ['loras', 'LoraLoader', 'lora_name'],
  ['vae', 'VAELoader', 'vae_name'],
  ['controlnet', 'ControlNetLoader', 'control_net_name'],
  ['upscale_models', 'UpscaleModelLoader', 'model_name'],
  ['diffusion_models', 'UNETLoader', 'unet_name'],
  ['clip', 'CLIPLoader', 'clip_name'],
];

export function modelsOf(info: ObjectInfo | undefined): Record<string, string[]> {
  const models: Record<string, string[]> = {};
  if (!info) return models;
  for (const [list, classType, input] of MODEL_LISTS) {
    if (!kindOfInput(classType, input)) continue;
    const spec = info[classType]?.input?.required?.[input] ?? info[classType]?.input?.optional?.[input];
    if (!Array.isArray(spec)) continue;
    const [type, options] = spec;
    const values = Array.isArray(type) ? type : type === 'COMBO' && Array.isArray(options?.options) ? options.options : [];
    models[list] = values.filter((value): value is string => typeof value === 'string');
  }
  return models;
}

const nameParam = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 200 } },
};

const backendSchema = {
  type: 'object',
  required: ['name', 'url', 'up', 'draining', 'last_error', 'running', 'waiting', 'slots', 'weight', 'labels', 'device', 'nodes', 'models'],
  properties: {
    name: { type: 'string', example: 'gpu-a' },
    url: { type: 'string', example: 'http://10.0.0.5:8188' },
    up: { type: 'boolean' },
    draining: { type: 'boolean' },
    last_error: { type: ['string', 'null'] },
    running: { type: 'integer' },
    waiting: { type: 'integer', description: 'Sent to it, not started yet' },
    slots: { type: 'integer' },
    weight: { type: 'number' },
    labels: { type: 'array', items: { type: 'string' } },
    device: { type: ['object', 'null'], description: '{name, vram_total, vram_free} from /system_stats' },
    nodes: { type: 'integer', description: 'Node classes in its /object_info' },
    models: { type: 'object', description: 'checkpoints, loras, vae, … : the files it has' },
  },
};

export function backendRoutes(deps: { pool: GatewayPool; stream?: BackendStreamDeps }): RouteGroup {
  async function describe(backend: Backend): Promise<Record<string, unknown>> {
    const usage = await deps.pool.slots.usage(backend.name);
    return {
      name: backend.name,
      url: backend.spec.url,
      up: backend.up,
      draining: usage?.draining ?? true,
      last_error: backend.lastError,
      running: usage?.running ?? 0,
      waiting: usage?.waiting ?? 0,
      slots: usage?.slots ?? backend.spec.slots,
      weight: backend.spec.weight,
      labels: [...backend.spec.labels],
      device: backend.device,
      nodes: backend.capabilities?.nodes.size ?? 0,
      models: modelsOf(backend.objectInfo),
    };
  }

  const list = defineRoute({
    method: 'get',
    path: '/api/v1/backends',
    operationId: 'listBackends',
    summary: 'The ComfyUI servers of the pool',
    description:
      'Every backend: up or down (with the last error), draining, running and waiting prompts, slots, weight, ' +
      'labels, the GPU from /system_stats, its node count and model files from /object_info; and how many jobs ' +
      'wait in the gateway\'s queue. Admin keys only.',
    tags: ['backends'],
    access: 'admin',
    response: {
      type: 'object',
      required: ['backends', 'queue'],
      properties: {
        backends: { type: 'array', items: backendSchema },
        queue: { type: 'object', required: ['waiting'], properties: { waiting: { type: 'integer' } } },
      },
    },
    errors: [403],
    async handler(ctx) {
      ok(ctx, await reading(), 'backends.list');
    },
  });

  async function reading() {
    const backends = await Promise.all(deps.pool.backends.list().map(describe));
    return { backends, queue: { waiting: deps.pool.dispatcher.waiting().length } };
  }

  const streamDeps = deps.stream;
  const stream =
    streamDeps &&
    defineRoute({
      method: 'get',
      path: '/api/v1/backends/stream',
      operationId: 'streamBackends',
      summary: 'The pool, then again whenever it may have changed, as Server-Sent Events',
      description:
        'An event `backends` with what GET /api/v1/backends answers, at once and again after a job changes or a ' +
        'backend goes up or down (at most twice a second). A comment line every 15 s keeps the connection alive. ' +
        'Admin keys only.',
      tags: ['backends'],
      access: 'admin',
      rawResponse: { contentTypes: ['text/event-stream'], description: 'event: backends\\ndata: <JSON>\\n\\n, …' },
      errors: [403],
      handler(ctx) {
        const events = streamReadings({ event: 'backends', read: reading, ...streamDeps });
        sendEventStream(ctx, events);
      },
    });

  const toggle = (action: 'drain' | 'resume') =>
    defineRoute<unknown, Record<string, unknown>, { name: string }>({
      method: 'post',
      path: `/api/v1/backends/{name}/${action}`,
      operationId: action === 'drain' ? 'drainBackend' : 'resumeBackend',
      summary: action === 'drain' ? 'Stop sending new work to a backend' : 'Send work to a drained backend again',
      description:
        action === 'drain'
          ? 'The backend finishes what it holds and gets nothing new (for a restart). Admin keys only.'
          : 'Undoes a drain. Admin keys only.',
      tags: ['backends'],
      access: 'admin',
      params: nameParam,
      response: backendSchema,
      errors: [403, 404],
      async handler(ctx, { params }) {
        const backend = deps.pool.backends.get(params.name);
        if (!backend || !(await deps.pool.setDraining(params.name, action === 'drain'))) {
          throw fail.notFound(message('reason.backend_unknown', { name: params.name }));
        }
        ok(ctx, await describe(backend), action === 'drain' ? 'backends.drained' : 'backends.resumed');
      },
    });

  return { name: 'backends', routes: [list, ...(stream ? [stream] : []), toggle('drain'), toggle('resume')] };
}
