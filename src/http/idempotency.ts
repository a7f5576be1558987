// Idempotency-Key on the submit routes: the same key (per API key, per route) gets the first answer again instead
// of a second prompt in ComfyUI. A route opts in by running its submit step through the returned function.
// - Same key, different request (body or query) → 400: the key names one request, not a slot to reuse.
// - A duplicate arriving while the first still runs waits for the first's outcome rather than submitting again.
// - Only successes are kept: after a 4xx/5xx the caller fixes the input and retries with the same key.
import { createHash } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import { fail } from '../errors.js';
import { translate } from '../i18n.js';
import type { RouteDef } from './define-route.js';
import type { GatewayState } from './envelope.js';
import type { IdempotencyEntry, IdempotencyStore, StoredAnswer } from './idempotency-store.js';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';

/** Runs `submit` at most once per key; `request` is what the key must keep meaning (the parsed body). */
export type Idempotency = (ctx: Context, request: unknown, submit: () => Promise<void>) => Promise<void>;

/**
 * The same in two halves, for a handler that learns its body half-way (the scenario dispatcher parses it itself):
 * `around(handler)` settles what `claim(ctx, body)` took inside it, so the handler needs one line, not a wrapper.
 */
export interface IdempotencyGate {
  /** True when the answer was replayed (return at once); else the handler runs as the key's first request. */
  claim(ctx: Context, request: unknown): Promise<boolean>;
  around(handler: Middleware): Middleware;
  run: Idempotency;
}

const VALID_KEY = /^[\x20-\x7e]{1,255}$/;

interface Claim {
  scope: string;
  entry: IdempotencyEntry;
  resolve: (answer: StoredAnswer) => void;
  reject: (error: unknown) => void;
}

export function createIdempotency(store: IdempotencyStore): IdempotencyGate {
  const claims = new WeakMap<Context, Claim>();

  async function claim(ctx: Context, request: unknown): Promise<boolean> {
    if (ctx.headers['idempotency-key'] === undefined || claims.has(ctx)) return false;
    const key = ctx.get(IDEMPOTENCY_HEADER);
    const state = ctx.state as GatewayState;
    if (!VALID_KEY.test(key)) throw fail.badRequest(translate(state.locale, 'reason.idempotency_key'));

    // NUL cannot occur in a header value or a path, so the parts cannot run into each other.
    const scope = [state.apiKey === undefined ? '-' : `k:${state.apiKey}`, ctx.method, ctx.path, key].join('\0');
    const fingerprint = fingerprintOf(ctx.querystring, request);

    const existing = store.get(scope);
    if (existing) {
      if (existing.fingerprint !== fingerprint) {
        throw fail.badRequest(translate(state.locale, 'reason.idempotency_reused'));
      }
      // A failed first attempt rejects here, and this duplicate answers the same error.
      replay(ctx, 'answer' in existing ? existing.answer : await existing.pending);
      return true;
    }

    let resolve!: Claim['resolve'];
    let reject!: Claim['reject'];
    const pending = new Promise<StoredAnswer>((res, rej) => ((resolve = res), (reject = rej)));
    // Without waiters nobody awaits a rejection: keep it from being reported as unhandled.
    pending.catch(() => undefined);
    const entry: IdempotencyEntry = { fingerprint, pending };
    store.set(scope, entry);
    claims.set(ctx, { scope, entry, resolve, reject });
    return false;
  }

  function settle(ctx: Context, error?: unknown): void {
    const held = claims.get(ctx);
    if (!held) return;
    claims.delete(ctx);
    const answer = error === undefined ? capture(ctx) : undefined;
    if (answer && answer.status < 400) store.set(held.scope, store.answered(held.entry.fingerprint, answer));
    else store.delete(held.scope, held.entry);
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
    run: async (ctx, request, submit) => {
      if (await claim(ctx, request)) return;
      await around(() => submit())(ctx, async () => undefined);
    },
  };
}

function replay(ctx: Context, answer: StoredAnswer): void {
  ctx.status = answer.status;
  ctx.type = 'application/json';
  ctx.body = answer.body;
  ctx.set(REPLAYED_HEADER, 'true');
}

/** The answer as JSON text, or undefined when the route answered something else (a stream). */
function capture(ctx: Context): StoredAnswer | undefined {
  const body: unknown = ctx.body;
  if (body === null || typeof body !== 'object' || Buffer.isBuffer(body) || typeof (body as { pipe?: unknown }).pipe === 'function') {
    return undefined;
  }
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
      idempotency.run(ctx, input.body, async () => {
        await def.handler(ctx, input);
      }),
  };
}
