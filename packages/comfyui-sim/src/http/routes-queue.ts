// GET/POST /queue, POST /interrupt, GET/POST /history, GET /history/{prompt_id}.
import { PyError, pyIn, pyInt, truthy, type JsonValue } from '../py.js';
import { parseJsonBody, type RouteContext } from './context.js';
import { sendEmpty, sendJson } from './respond.js';
import type { Router } from './router.js';

/** Python iteration over a JSON value (for `for id in json_data['delete']`). */
function iterate(v: unknown): JsonValue[] {
  if (Array.isArray(v)) return v as JsonValue[];
  if (typeof v === 'string') return [...v];
  if (v !== null && typeof v === 'object') return Object.keys(v);
  throw new PyError('TypeError', 'object is not iterable');
}

function get(body: unknown, key: string): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new PyError('TypeError', 'indices must be integers');
  return (body as Record<string, unknown>)[key];
}

export function registerQueueRoutes(router: Router, ctx: RouteContext): void {
  router.add('GET', '/queue', (_req, res) => {
    sendJson(res, 200, { queue_running: ctx.queue.running(), queue_pending: ctx.queue.pending() });
  });

  router.add('POST', '/queue', async (req, res) => {
    const body = parseJsonBody(await req.body());
    if (pyIn('clear', body) && truthy(get(body, 'clear'))) ctx.queue.wipeQueue();
    if (pyIn('delete', body)) for (const id of iterate(get(body, 'delete'))) ctx.queue.deleteQueueItem(id);
    sendEmpty(res, 200);
  });

  router.add('POST', '/interrupt', async (req, res) => {
    let body: unknown = {};
    try {
      body = parseJsonBody(await req.body());
    } catch (e) {
      if (!(e instanceof SyntaxError)) throw e; // JSONDecodeError → {}; anything else is a 500
    }
    const promptId = get(body, 'prompt_id');
    if (truthy(promptId)) {
      if (typeof promptId === 'string' && ctx.queue.isRunning(promptId)) ctx.interrupt.requested = true;
    } else {
      ctx.interrupt.requested = true;
    }
    sendEmpty(res, 200);
  });

  router.add('GET', '/history', (req, res) => {
    const max = req.query.get('max_items');
    const offset = req.query.get('offset');
    sendJson(res, 200, ctx.queue.getHistory({
      maxItems: max === null ? null : pyInt(max),
      offset: offset === null ? -1 : pyInt(offset),
    }));
  });

  router.add('GET', '/history/{prompt_id}', (req, res) => {
    sendJson(res, 200, ctx.queue.getHistory({ promptId: req.params.prompt_id ?? '' }));
  });

  router.add('POST', '/history', async (req, res) => {
    const body = parseJsonBody(await req.body());
    if (pyIn('clear', body) && truthy(get(body, 'clear'))) ctx.queue.wipeHistory();
    if (pyIn('delete', body)) for (const id of iterate(get(body, 'delete'))) ctx.queue.deleteHistoryItem(id);
    sendEmpty(res, 200);
  });
}
