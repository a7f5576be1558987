// POST /prompt and GET /prompt (server.py post_prompt / get_prompt), field handling in the real order:
// number (before validation, so even invalid prompts use one up), prompt, prompt_id, validation,
// extra_data, client_id, then queue.
import { randomUUID } from 'node:crypto';
import { annotatedFileExists } from '../paths.js';
import { PyError, isObject, pyFloat, pyIn, pyStr, truthy, type JsonObject, type JsonValue, type PyFloat } from '../py.js';
import { validatePrompt } from '../validate.js';
import { parseJsonBody, type RouteContext } from './context.js';
import { sendJson } from './respond.js';
import type { Router } from './router.js';

/** json_data[key] on whatever the body decoded to; only a dict supports it. */
function field(body: unknown, key: string): JsonValue {
  if (!isObject(body)) throw new PyError('TypeError', `indices must be integers or slices, not str`);
  return body[key] as JsonValue;
}

export function registerPromptRoutes(router: Router, ctx: RouteContext): void {
  router.add('GET', '/prompt', (_req, res) => {
    sendJson(res, 200, { exec_info: { queue_remaining: ctx.queue.remaining() } });
  });

  router.add('POST', '/prompt', async (req, res) => {
    const body = parseJsonBody(await req.body());
    let number: number | PyFloat;
    if (pyIn('number', body)) {
      number = pyFloat(field(body, 'number'));
    } else {
      number = ctx.counter.value;
      if (pyIn('front', body) && truthy(field(body, 'front')) && number !== 0) number = -number;
      ctx.counter.value += 1;
    }
    if (!pyIn('prompt', body)) {
      const error = { type: 'no_prompt', message: 'No prompt provided', details: 'No prompt provided', extra_info: {} };
      sendJson(res, 400, { error, node_errors: {} });
      return;
    }
    const prompt = field(body, 'prompt');
    const promptId = pyIn('prompt_id', body) ? pyStr(field(body, 'prompt_id')) : randomUUID();
    const partial = pyIn('partial_execution_targets', body) ? field(body, 'partial_execution_targets') : null;
    const valid = validatePrompt(prompt, partial, {
      catalogue: ctx.catalogue,
      annotatedFileExists: (name) => annotatedFileExists(ctx.folders, name),
    });
    let extraData: JsonValue = {};
    if (pyIn('extra_data', body)) extraData = field(body, 'extra_data');
    if (pyIn('client_id', body)) {
      if (!isObject(extraData)) throw new PyError('TypeError', "object does not support item assignment");
      extraData.client_id = field(body, 'client_id');
    }
    if (valid.ok) {
      ctx.queue.put([number, promptId, prompt as JsonObject, extraData, valid.outputs]);
      sendJson(res, 200, { prompt_id: promptId, number, node_errors: valid.nodeErrors });
    } else {
      sendJson(res, 400, { error: valid.error, node_errors: valid.nodeErrors });
    }
  });
}
