// Idempotency-Key on the submit routes: the same key (per API key, per route) gets the first answer again instead
// of a second prompt in ComfyUI. A route opts in by running its submit step through the returned function.
// - Same key, different request (body or query) → 400: the key names one request, not a slot to reuse.
// - A duplicate arriving while the first still runs waits for the first's outcome rather than submitting again.
// - Only successes are kept: after a 4xx/5xx the caller fixes the input and retries with the same key.
// - The scope is the matched route (its template), not the raw path: `/submit`, `/submit/` and `/SUBMIT` are one
//   route to the router, so they are one scope here too and the variants replay the first answer.
// - Images inlined into an answer (`?output=base64`) are not kept: the record keeps the rest of the answer and
//   which outputs to re-read, and a replay reads them again from ComfyUI's output folder.
import { createHash } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import { fail } from '../errors.js';
import { translate } from '../i18n.js';
import type { RouteDef } from './define-route.js';
import type { GatewayState } from './envelope.js';
import type { IdempotencyStore, PendingEntry, StoredAnswer } from './idempotency-store.js';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';

/**
 * Runs `submit` at most once per key; `request` is what the key must keep meaning (the parsed body), `route` names
 * the matched route (method and path template).
 */
export type Idempotency = (ctx: Context, route: string, request: unknown, submit: () => Promise<void>) => Promise<void>;

/** Takes the re-readable inline parts out of an answer before it is kept, and puts them back on replay. */
export interface InlineParts {
  /** A copy of the body without its inline parts, and which parts to re-read; undefined when it has none. */
  take(body: object): { body: object; parts: number[] } | undefined;
  /** Puts the parts back into the (parsed) body. */
  restore(body: object, parts: number[]): Promise<void>;
}

/**
 * The same in two halves, for a handler that claims half-way (the scenario route, once its uploads are staged):
 * `around(handler)` settles what `claim(ctx, body)` took inside it, so the handler needs one line, not a wrapper.
 */
export interface IdempotencyGate {
  /** True when the answer was replayed (return at once); else the handler runs as the key's first request. */
  claim(ctx: Context, route: string, request: unknown): Promise<boolean>;
  around(handler: Middleware): Middleware;
  run: Idempotency;
}

const VALID_KEY = /^[\x20-\x7e]{1,255}$/;

interface Claim {
  scope: string;
  entry: PendingEntry;
  resolve: (answer: StoredAnswer) => void;
  reject: (error: unknown) => void;
}

export function createIdempotency(store: IdempotencyStore, inline?: InlineParts): IdempotencyGate {
  const claims = new WeakMap<Context, Claim>();

  async function claim(ctx: Context, route: string, request: unknown): Promise<boolean> {
    if (ctx.headers['idempotency-key'] === undefined || claims.has(ctx)) return false;
    const key = ctx.get(IDEMPOTENCY_HEADER);
    const state = ctx.state as GatewayState;
    if (!VALID_KEY.test(key)) throw fail.badRequest(translate(state.locale, 'reason.idempotency_key'));

    // NUL cannot occur in a header value or a path, so the parts cannot run into each other.
    const scope = [state.apiKey === undefined ? '-' : `k:${state.apiKey}`, route, key].join('\0');
    const fingerprint = fingerprintOf(ctx.querystring, request);

    let resolve!: Claim['resolve'];
    let reject!: Claim['reject'];
    const pending = new Promise<StoredAnswer>((res, rej) => ((resolve = res), (reject = rej)));
    // Without waiters nobody awaits a rejection: keep it from being reported as unhandled.
    pending.catch(() => undefined);
    const entry: PendingEntry = { fingerprint, pending };
    const holder = store.claim(scope, entry);
    if (holder !== entry) {
      if (holder.fingerprint !== fingerprint) {
        throw fail.badRequest(translate(state.locale, 'reason.idempotency_reused'));
      }
      // A failed first attempt rejects here, and this duplicate answers the same error.
      await replay(ctx, 'answer' in holder ? holder.answer : await holder.pending, inline);
      return true;
    }
    claims.set(ctx, { scope, entry, resolve, reject });
    return false;
  }

  function settle(ctx: Context, error?: unknown): void {
    const held = claims.get(ctx);
    if (!held) return;
    claims.delete(ctx);
    const answer = error === undefined ? capture(ctx, inline) : undefined;
    if (!answer || answer.status >= 400 || !store.put(held.scope, held.entry.fingerprint, answer)) {
      store.release(held.scope, held.entry);
    }
    if (error !== undefined) held.reject(error);
    else if (answer) held.resolve(answer);
    else held.reject(fail.internal((ctx.state as GatewayState).requestId, new Error('the first answer could not be kept for replay')));
  }

  const around = (handler: Middleware): Middleware => async (ctx, next) => {
    try {
      await handler(ctx, next);
    } catch (error) {
      settle(ctx, error ?? new Error('thrown without a value'));
      throw error;
    }
    settle(ctx);
  };

  return {
    claim,
    around,
    run: async (ctx, route, request, submit) => {
      if (await claim(ctx, route, request)) return;
      await around(() => submit())(ctx, async () => undefined);
    },
  };
}

async function replay(ctx: Context, answer: StoredAnswer, inline: InlineParts | undefined): Promise<void> {
  if (answer.parts && inline) {
    const body = JSON.parse(answer.body) as object;
    await inline.restore(body, answer.parts);
    ctx.body = body;
  } else {
    ctx.type = 'application/json';
    ctx.body = answer.body;
  }
  ctx.status = answer.status;
  ctx.set(REPLAYED_HEADER, 'true');
}

/** The answer as JSON text, or undefined when the route answered something else (a stream). */
function capture(ctx: Context, inline: InlineParts | undefined): StoredAnswer | undefined {
  const body: unknown = ctx.body;
  if (body === null || typeof body !== 'object' || Buffer.isBuffer(body) || typeof (body as { pipe?: unknown }).pipe === 'function') {
    return undefined;
  }
  const taken = inline?.take(body);
  if (taken) return { status: ctx.status, body: JSON.stringify(taken.body), parts: taken.parts };
  return { status: ctx.status, body: JSON.stringify(body) };
}

/** SHA-256 over the query and the body with object keys sorted, so key order and spacing do not matter. */
export function fingerprintOf(query: string, request: unknown): string {
  return createHash('sha256').update(query).update('\0').update(canonicalJson(request)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A declared route whose handler runs through `idempotency` (absent: unchanged), keyed on its parsed body. */
export function idempotentRoute<B, Q, P>(def: RouteDef<B, Q, P>, idempotency: IdempotencyGate | undefined): RouteDef<B, Q, P> {
  if (!idempotency) return def;
  return {
    ...def,
    handler: (ctx, input) =>
      idempotency.run(ctx, `${def.method.toUpperCase()} ${def.path}`, input.body, async () => {
        await def.handler(ctx, input);
      }),
  };
}
