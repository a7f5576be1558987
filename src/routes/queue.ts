// ComfyUI's queue, as objects in execution order, and the ways to empty it.
import type { Context } from 'koa';
import type { RouteGroup } from '../app.js';
import type { ComfyClient } from '../comfy/client.js';
import type { QueueItem, QueueResponse } from '../comfy/types.js';
import type { GatewayPool } from '../pool/start-pool.js';
import { fail } from '../errors.js';
import { defineRoute } from '../http/define-route.js';
import { ok, stateOf } from '../http/envelope.js';
import { message, translate } from '../i18n.js';
import { cancelRemoved } from '../jobs/cancel-removed.js';
import { readGatewayExtra } from '../jobs/gateway-extra.js';
import type { JobTracker } from '../jobs/tracker.js';
import { maySee, type Caller } from '../security/caller.js';

export interface QueueEntry {
  prompt_id: string;
  /** null for a job still waiting in the gateway's queue (ComfyUI numbers it once it is sent). */
  number: number | null;
  /** When the gateway submitted it (ms since the epoch), or null for prompts submitted around the gateway. */
  timestamp: number | null;
  /** The backend holding it (null: the gateway's queue); listed only when the pool has several backends. */
  backend?: string | null;
}

const entrySchema = {
  type: 'object',
  required: ['prompt_id', 'number', 'timestamp'],
  properties: {
    prompt_id: { type: 'string' },
    number: { type: ['number', 'null'], description: 'ComfyUI\'s queue number: lower runs first; null while in the gateway\'s queue' },
    timestamp: { type: ['integer', 'null'], description: 'Submit time in ms since the epoch; null if not submitted through the gateway' },
    backend: { type: ['string', 'null'], description: 'With several backends: the one holding it; null for the gateway\'s queue' },
  },
};

/** ComfyUI lists pending prompts in heap order; this is the order they will run in (number, then prompt_id). */
export function toQueueEntries(items: readonly QueueItem[], backend?: string): QueueEntry[] {
  return items
    .map((item) => ({
      prompt_id: item[1],
      number: item[0],
      timestamp: submitTime(item[3]),
      ...(backend !== undefined ? { backend } : {}),
    }))
    .sort((a, b) => a.number - b.number || (a.prompt_id < b.prompt_id ? -1 : a.prompt_id > b.prompt_id ? 1 : 0));
}

function submitTime(extra: Record<string, unknown> | undefined): number | null {
  const ours = readGatewayExtra(extra).submitted_at;
  if (ours !== undefined) return ours;
  // Newer ComfyUI stamps every prompt itself (extra_data.create_time, ms).
  return typeof extra?.create_time === 'number' ? extra.create_time : null;
}

/** The queue items a caller may see: its own prompts (all of them for an admin, or with auth off). */
export function visibleTo(caller: Caller | undefined): (item: QueueItem | undefined) => boolean {
  // A malformed item has no owner: only an admin (or a single-tenant gateway) sees it.
  return (item) => maySee(caller, readGatewayExtra(Array.isArray(item) ? item[3] : undefined).owner);
}

export interface QueueDeps {
  comfy: ComfyClient;
  tracker: Pick<JobTracker, 'get' | 'cancel'>;
  pool: Pick<GatewayPool, 'backends' | 'dispatcher'>;
}

/** Every backend's queue, each entry with its backend; only a failure of all of them is an error. */
async function poolQueues(deps: QueueDeps): Promise<{ backend: string; queue: QueueResponse }[]> {
  const backends = deps.pool.backends.list();
  const settled = await Promise.allSettled(backends.map((backend) => backend.client.getQueue()));
  const answers = settled.flatMap((result, index) =>
    result.status === 'fulfilled' ? [{ backend: (backends[index] as { name: string }).name, queue: result.value }] : [],
  );
  const failure = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (answers.length === 0 && failure) throw failure.reason;
  return answers;
}

export function queueRoutes(deps: QueueDeps): RouteGroup {
  const status = defineRoute({
    method: 'get',
    path: '/api/v1/queue/status',
    operationId: 'getQueueStatus',
    summary: 'Running and pending prompts',
    description:
      'Pending prompts are listed in the order ComfyUI will run them. A caller\'s key lists only its own prompts ' +
      '(and counts only those); an admin key, or a gateway without keys, lists them all.',
    tags: ['queue'],
    response: {
      type: 'object',
      required: ['queue_running', 'queue_pending', 'running_count', 'pending_count'],
      properties: {
        queue_running: { type: 'array', items: entrySchema },
        queue_pending: { type: 'array', items: entrySchema },
        running_count: { type: 'integer', example: 1 },
        pending_count: { type: 'integer', example: 1 },
      },
      example: {
        queue_running: [{ prompt_id: 'abc123', number: 1, timestamp: 1718000000000 }],
        queue_pending: [{ prompt_id: 'def456', number: 2, timestamp: 1718000000500 }],
        running_count: 1,
        pending_count: 1,
      },
    },
    errors: [1001],
    async handler(ctx) {
      const caller = stateOf(ctx).caller;
      const mine = visibleTo(caller);
      const named = deps.pool.backends.list().length > 1;
      const queues = await poolQueues(deps);
      const running = queues.flatMap(({ backend, queue }) =>
        toQueueEntries(queue.queue_running.filter(mine), named ? backend : undefined),
      );
      const sent = queues.flatMap(({ backend, queue }) =>
        toQueueEntries(queue.queue_pending.filter(mine), named ? backend : undefined),
      );
      // Prompts already inside a backend go first; the gateway's own queue follows, in the order it dispatches.
      const held = deps.pool.dispatcher.waiting().flatMap((job): QueueEntry[] => {
        const record = deps.tracker.get(job.id);
        if (!maySee(caller, record?.owner)) return [];
        return [{ prompt_id: job.id, number: null, timestamp: record?.submittedAt ?? null, ...(named ? { backend: null } : {}) }];
      });
      const pending = [...sent, ...held];
      ok(
        ctx,
        { queue_running: running, queue_pending: pending, running_count: running.length, pending_count: pending.length },
        'queue.status',
      );
    },
  });

  const clear = defineRoute<{ clear?: boolean; delete?: string[] }>({
    method: 'post',
    path: '/api/v1/queue/clear',
    operationId: 'clearQueue',
    // Acts on the shared queue: a key limited to some scenarios would get around its list.
    rawWorkflow: true,
    summary: 'Clear the pending queue, or remove particular prompts',
    description:
      '`{"clear": true}` removes every pending prompt (the running one continues: stop it with ' +
      '/api/v1/workflows/interrupt). `{"delete": [ids]}` removes only those; ids that are not pending are ' +
      'listed in `not_found`. Both may be sent together. A caller\'s key clears and removes only its own prompts ' +
      '(another caller\'s id is in `not_found`, like an unknown one); an admin key clears everyone\'s. Jobs the ' +
      'gateway submitted that were removed end at once as `cancelled` (their waits, SSE streams, sockets and ' +
      'webhooks hear it).',
    tags: ['queue'],
    body: {
      type: 'object',
      additionalProperties: false,
      properties: {
        clear: { type: 'boolean', description: 'true: remove every pending prompt', example: true },
        delete: {
          type: 'array',
          minItems: 1,
          maxItems: 1000,
          items: { type: 'string', minLength: 1, maxLength: 200 },
          description: 'Pending prompt ids to remove',
        },
      },
      example: { clear: true },
    },
    response: {
      type: 'object',
      required: ['cleared', 'deleted'],
      properties: {
        cleared: { type: 'boolean', description: 'Whether the pending queue was cleared (a caller\'s key: its own part of it)' },
        deleted: { type: 'array', items: { type: 'string' }, description: 'Ids from `delete` that were removed' },
        not_found: { type: 'array', items: { type: 'string' }, description: 'Ids from `delete` that were not pending' },
      },
    },
    errors: [400, 1001],
    async handler(ctx: Context, { body }) {
      const ids = body.delete ?? [];
      if (body.clear !== true && ids.length === 0) {
        throw fail.badRequest(message('reason.queue_clear_flag'));
      }
      const caller = stateOf(ctx).caller;
      // Everyone's queue for an admin or a single-tenant gateway; a caller's own pending prompts otherwise.
      const everything = caller === undefined || caller.admin;
      // The gateway's own queue first, so nothing in it is sent while the backends are being cleared.
      const heldIds = deps.pool.dispatcher
        .waiting()
        .map((job) => job.id)
        .filter((id) => everything || maySee(caller, deps.tracker.get(id)?.owner));
      const heldSet = new Set(heldIds);
      const heldTaken = heldIds.filter((id) => (body.clear === true || ids.includes(id)) && deps.pool.dispatcher.unqueue(id));
      const pending = (await deps.comfy.getQueue()).queue_pending;
      const own = [
        ...(everything ? pending : pending.filter(visibleTo(caller))).map((item) => item[1]),
        ...heldIds,
      ];
      const ownSet = new Set(own);
      const deleted = ids.filter((id) => ownSet.has(id));
      const notFound = ids.filter((id) => !ownSet.has(id));
      const deletedThere = deleted.filter((id) => !heldSet.has(id));
      if (deletedThere.length > 0) await deps.comfy.deleteFromQueue(deletedThere);
      if (body.clear === true && everything) await deps.comfy.clearQueue();
      else if (body.clear === true) {
        const left = own.filter((id) => !deleted.includes(id) && !heldSet.has(id));
        if (left.length > 0) await deps.comfy.deleteFromQueue(left);
      }
      const locale = stateOf(ctx).locale;
      const reason = { type: 'removed' as const, message: translate(locale, 'reason.job_removed') };
      for (const id of heldTaken) deps.tracker.cancel(id, reason);
      await cancelRemoved(deps, (body.clear === true ? own : deleted).filter((id) => !heldSet.has(id)), reason);
      ok(
        ctx,
        { cleared: body.clear === true, deleted, not_found: notFound },
        body.clear === true ? 'queue.cleared' : 'queue.deleted',
      );
    },
  });

  return { name: 'queue', routes: [status, clear] };
}
