// Direct access to ComfyUI workflows: submit an API-format graph, read a prompt's history, stop a prompt.
import type { RouteGroup } from '../app.js';
import type { ComfyClient } from '../comfy/client.js';
import type { QueueItem, Workflow } from '../comfy/types.js';
import type { Config } from '../config.js';
import { fail } from '../errors.js';
import { defineRoute } from '../http/define-route.js';
import { claimOf, REPLAYED_HEADER } from '../http/idempotency.js';
import { ok, stateOf } from '../http/envelope.js';
import { originOf } from '../http/origin.js';
import { message, translate, type Locale } from '../i18n.js';
import type { ImageInputs } from '../images/resolve-image-input.js';
import { applyWorkflowImages } from '../images/workflow-images.js';
import { cancelRemoved } from '../jobs/cancel-removed.js';
import type { SubmitJob } from '../jobs/submit-job.js';
import type { JobTracker } from '../jobs/tracker.js';
import { maySee, ownerFor, priorityFor } from '../security/caller.js';
import type { GatewayPool } from '../pool/start-pool.js';
import { visibleTo } from './queue.js';
import { hangUpSignal, type JobAnswers } from './jobs.js';
import { waitQuerySchema } from '../jobs/waiter.js';
import { asWorkflow, findWorkflowProblem } from './workflow-format.js';
import { webhookBodyProperty } from '../webhooks/webhook-url.js';

export interface WorkflowRouteDeps {
  config: Config;
  comfy: ComfyClient;
  /** Webhook, Idempotency-Key, submission and `?wait=true`, as for every submission (src/jobs/submit-job.ts). */
  submitJob: SubmitJob;
  /** Ends the job of a pending prompt the interrupt removed (src/jobs/cancel-removed.ts). */
  tracker: Pick<JobTracker, 'get' | 'cancel'>;
  /** The gateway's queue: a prompt still waiting there is stopped by taking it out. */
  pool: Pick<GatewayPool, 'dispatcher'>;
  /** Resolves the `images` map of a submission (file name, data URL, base64, URL). */
  images: ImageInputs;
  /** Reads `?wait` / `?timeout` / `?output` (src/routes/jobs.ts). */
  jobs: Pick<JobAnswers, 'parseWait'>;
}

const promptId = { type: 'string', minLength: 1, maxLength: 200, example: '4f5e0f3a-6c1b-4d2e-9a7b-1f2e3d4c5b6a' };

const exampleWorkflow = {
  '1': { class_type: 'EmptyImage', inputs: { width: 64, height: 64, batch_size: 1, color: 0 } },
  '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: 'gateway' } },
};

export function workflowRoutes(deps: WorkflowRouteDeps): RouteGroup {
  const limits = { maxNodes: deps.config.limits.workflow_nodes, maxDepth: deps.config.limits.workflow_depth };

  type SubmitBody = {
    workflow: Record<string, unknown>;
    client_id?: string;
    images?: Record<string, string>;
    webhook?: string;
    priority?: number;
  };
  const submitRoute = defineRoute<SubmitBody>({
    method: 'post',
    path: '/api/v1/workflows/submit',
    operationId: 'submitWorkflow',
    summary: 'Submit an API-format workflow',
    description:
      'Queues a ComfyUI workflow exported with "Save (API Format)" (node id → {class_type, inputs}). ' +
      'A UI-format export (with `nodes`/`links` arrays) is refused with 400. ComfyUI\'s own validation errors come ' +
      'back as code 1002 with `details.error` and `details.node_errors`. Pass `client_id` to follow the prompt on ' +
      '`/api/v1/ws/{client_id}`. `images` sets image inputs before submission: each key is ' +
      '`"<node id>.inputs.<input name>"`, or just `"<node id>"` for `<node id>.inputs.image` (LoadImage); each value ' +
      'is a file name in ComfyUI\'s input folder, a `data:image/...;base64,` URL, bare base64, or an http(s) URL the ' +
      'gateway fetches (private, loopback and link-local addresses are refused unless allow-listed in ' +
      '`images.fetch`). Bytes are checked and uploaded like `/api/v1/images/upload`; the answer\'s `images` says ' +
      'which name each key got. The body may be up to `limits.image_body_bytes`.',
    tags: ['workflows'],
    imageBody: true,
    rawWorkflow: true,
    query: waitQuerySchema,
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['workflow'],
      properties: {
        workflow: { type: 'object', description: 'ComfyUI workflow in API format', example: exampleWorkflow },
        client_id: { type: 'string', minLength: 1, maxLength: 200, description: 'Your client id', example: 'my_client' },
        images: {
          type: 'object',
          description: '"<node id>.inputs.<input>" or "<node id>" → an image: file name, data URL, base64 or http(s) URL',
          additionalProperties: { type: 'string', minLength: 1 },
          example: { '10': 'data:image/png;base64,iVBORw0KGgo…', '11.inputs.image': 'https://example.com/cat.png' },
        },
        webhook: webhookBodyProperty,
        priority: {
          type: 'integer',
          minimum: -1000,
          maximum: 1000,
          description:
            'Higher runs first while jobs wait in the gateway\'s queue (default `jobs.default_priority`; an API key\'s ' +
            '`priority_max` caps it)',
          example: 10,
        },
      },
    },
    response: {
      type: 'object',
      required: ['prompt_id', 'client_id'],
      properties: {
        prompt_id: { ...promptId, description: 'The id of the queued prompt' },
        client_id: { type: ['string', 'null'], example: 'my_client' },
        number: { type: ['number', 'null'], description: 'Queue position number ComfyUI gave the prompt; null while it waits in the gateway\'s queue' },
        status: { type: 'string', enum: ['queued'], description: 'Only while it waits in the gateway\'s queue' },
        queue_position: { type: 'integer', description: 'Only while it waits in the gateway\'s queue: 1 = the next to go' },
        node_errors: { type: 'object', description: 'Outputs ComfyUI dropped while queueing the rest (usually empty)' },
        images: { type: 'object', description: 'Only with `images` in the request: key → the file name put into the workflow' },
      },
    },
    errors: [400, 413, 1001, 1002, 1003],
    async handler(ctx, { body }) {
      const state = stateOf(ctx);
      const idempotency = claimOf(ctx, 'POST /api/v1/workflows/submit', body);
      const problem = findWorkflowProblem(body.workflow, limits);
      if (problem) throw fail.badRequest(message(problem.key, problem.params));
      const wait = deps.jobs.parseWait(ctx);
      const { data, replayed } = await deps.submitJob({
        async prepare() {
          const withImages = await setImages(asWorkflow(body.workflow), body.images, deps.images, state.locale);
          return {
            workflow: withImages.workflow,
            answer: (submitted) => ({
              prompt_id: submitted.promptId,
              client_id: body.client_id ?? null,
              number: submitted.number,
              node_errors: submitted.nodeErrors,
              ...(submitted.queuePosition !== undefined ? { status: 'queued', queue_position: submitted.queuePosition } : {}),
              ...(withImages.names ? { images: withImages.names } : {}),
            }),
          };
        },
        clientId: body.client_id,
        owner: ownerFor(state.caller),
        priority: priorityFor(state.caller, body.priority),
        webhook: body.webhook,
        idempotency,
        wait,
        baseUrl: originOf(ctx),
        signal: wait ? hangUpSignal(ctx) : undefined,
      });
      ok(ctx, data, 'workflow.submitted');
      if (replayed) ctx.set(REPLAYED_HEADER, 'true');
    },
  });

  const historyRoute = defineRoute<unknown, Record<string, unknown>, { prompt_id: string }>({
    method: 'get',
    path: '/api/v1/workflows/{prompt_id}/history',
    operationId: 'getWorkflowHistory',
    summary: "A finished prompt's outputs and status",
    description:
      'ComfyUI keeps history only for finished prompts. A prompt that is still pending or running, or an ' +
      'unknown id, answers 404 (the message says which). Another caller\'s prompt answers like an unknown id.',
    tags: ['workflows'],
    params: { type: 'object', required: ['prompt_id'], properties: { prompt_id: promptId } },
    response: {
      type: 'object',
      required: ['prompt_id', 'outputs', 'status'],
      properties: {
        prompt_id: promptId,
        outputs: {
          type: 'object',
          description: 'node id → that node\'s UI output, e.g. {"images": [{filename, subfolder, type}]}',
          example: { '2': { images: [{ filename: 'gateway_00001_.png', subfolder: '', type: 'output' }] } },
        },
        status: {
          type: 'object',
          description: 'ComfyUI\'s status: {status_str: "success" | "error", completed, messages}',
          example: { status_str: 'success', completed: true, messages: [] },
        },
      },
    },
    errors: [404, 1001],
    async handler(ctx, { params }) {
      const id = params.prompt_id;
      const visible = visibleTo(stateOf(ctx).caller);
      // Another caller's prompt is answered like an unknown id, whether finished, running or pending.
      const mine = (item: QueueItem) => item[1] === id && visible(item);
      const entry = await deps.comfy.getHistory(id);
      if (entry && !visible(entry.prompt)) throw fail.notFound(message('what.history', { id }));
      if (!entry) {
        const queue = await deps.comfy.getQueue();
        const waiting = deps.pool.dispatcher.position(id) !== undefined && maySee(stateOf(ctx).caller, deps.tracker.get(id)?.owner);
        const state = queue.queue_running.some(mine)
          ? 'running'
          : queue.queue_pending.some(mine) || waiting
            ? 'pending'
            : undefined;
        throw fail.notFound(
          state
            ? message('what.history_unfinished', { id, state: message(`state.${state}`) })
            : message('what.history', { id }),
        );
      }
      ok(ctx, { prompt_id: id, outputs: entry.outputs, status: entry.status }, 'workflow.history');
    },
  });

  const interruptRoute = defineRoute<{ prompt_id: string }>({
    method: 'post',
    path: '/api/v1/workflows/interrupt',
    operationId: 'interruptWorkflow',
    summary: 'Stop a prompt: interrupt it if running, remove it if pending',
    description:
      'ComfyUI\'s own interrupt only stops the running prompt. The gateway looks the id up in the queue: a ' +
      'running prompt is interrupted (`action: "interrupted"`), a pending one is removed from the queue ' +
      '(`action: "removed"`; its job ends at once as `cancelled`). An id that is neither answers 404, and so does ' +
      'another caller\'s prompt (an admin key may stop any).',
    tags: ['workflows'],
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['prompt_id'],
      properties: { prompt_id: { ...promptId, description: 'The prompt to stop' } },
    },
    response: {
      type: 'object',
      required: ['prompt_id', 'action'],
      properties: {
        prompt_id: promptId,
        action: { type: 'string', enum: ['interrupted', 'removed'], example: 'interrupted' },
      },
    },
    errors: [400, 404, 1001],
    async handler(ctx, { body }) {
      const id = body.prompt_id;
      const visible = visibleTo(stateOf(ctx).caller);
      // Only the caller's own prompts: another caller's is "neither running nor pending", like an unknown id.
      const mine = (item: QueueItem) => item[1] === id && visible(item);
      // Still in the gateway's queue: taken out before any backend sees it.
      const held = deps.pool.dispatcher.held(id) && deps.pool.dispatcher.position(id) !== undefined;
      if (held && maySee(stateOf(ctx).caller, deps.tracker.get(id)?.owner) && deps.pool.dispatcher.unqueue(id)) {
        deps.tracker.cancel(id, { type: 'interrupted', message: translate(stateOf(ctx).locale, 'reason.job_interrupted_pending') });
        ok(ctx, { prompt_id: id, action: 'removed' }, 'workflow.dequeued');
        return;
      }
      const queue = await deps.comfy.getQueue();
      if (queue.queue_running.some(mine)) {
        await deps.comfy.interrupt(id);
        ok(ctx, { prompt_id: id, action: 'interrupted' }, 'workflow.interrupted');
      } else if (queue.queue_pending.some(mine)) {
        await deps.comfy.deleteFromQueue([id]);
        // The reason is stored on the job and shown to whoever reads it later, in the request's language.
        await cancelRemoved(deps, [id], { type: 'interrupted', message: translate(stateOf(ctx).locale, 'reason.job_interrupted_pending') });
        ok(ctx, { prompt_id: id, action: 'removed' }, 'workflow.dequeued');
      } else {
        throw fail.notFound(message('what.queued_prompt', { id }));
      }
    },
  });

  return { name: 'workflows', routes: [submitRoute, historyRoute, interruptRoute] };
}

/** The `images` map, resolved and written into the workflow before it is submitted. */
async function setImages(
  workflow: Workflow,
  images: Record<string, string> | undefined,
  inputs: ImageInputs,
  locale: Locale,
): Promise<{ workflow: Workflow; names?: Record<string, string> }> {
  if (!images || !Object.keys(images).length) return { workflow };
  return applyWorkflowImages(workflow, images, inputs, locale);
}
