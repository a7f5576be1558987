// Idempotency-Key on the submit routes: the same key (per API key, per route) gets the first answer again instead
// of a second prompt in ComfyUI. A route opts in by running its submit step through the returned function.
// - Same key, different request (body or query) → 400: the key names one request, not a slot to reuse.
// - A duplicate arriving while the first still runs waits for the first's outcome rather than submitting again.
// - Only successes are kept: after a 4xx/5xx the caller fixes the input and retries with the same key.
import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import { fail } from '../errors.js';
import { translate } from '../i18n.js';
import type { RouteDef } from './define-route.js';
import type { GatewayState } from './envelope.js';
import type { IdempotencyEntry, IdempotencyStore, StoredAnswer } from './idempotency-store.js';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';

/** Runs `submit` at most once per key; `request` is what the key must keep meaning (the parsed body). */
export type Idempotency = (ctx: Context, request: unknown, submit: () => Promise<void>) => Promise<void>;

const VALID_KEY = /^[\x20-\x7e]{1,255}$/;

export function createIdempotency(store: IdempotencyStore): Idempotency {
  return async (ctx, request, submit) => {
    if (ctx.headers['idempotency-key'] === undefined) return submit();
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
      return;
    }

    let settle!: { resolve: (answer: StoredAnswer) => void; reject: (error: unknown) => void };
    const pending = new Promise<StoredAnswer>((resolve, reject) => (settle = { resolve, reject }));
    // Without waiters nobody awaits a rejection: keep it from being reported as unhandled.
    pending.catch(() => undefined);
    const inFlight: IdempotencyEntry = { fingerprint, pending };
    store.set(scope, inFlight);
    try {
      await submit();
    } catch (error) {
      store.delete(scope, inFlight);
      settle.reject(error);
      throw error;
    }
    const answer = capture(ctx);
    if (answer && answer.status < 400) store.set(scope, store.answered(fingerprint, answer));
    else store.delete(scope, inFlight);
    if (answer) settle.resolve(answer);
    else settle.reject(fail.internal(state.requestId, new Error('the first answer could not be kept for replay')));
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
export function idempotentRoute<B, Q, P>(def: RouteDef<B, Q, P>, idempotency: Idempotency | undefined): RouteDef<B, Q, P> {
  if (!idempotency) return def;
  return {
    ...def,
    handler: (ctx, input) =>
      idempotency(ctx, input.body, async () => {
        await def.handler(ctx, input);
      }),
  };
}
