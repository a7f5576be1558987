// Idempotency-Key on the submit routes: the same key (per API key, per route) gets the first answer again instead
// of a second prompt in ComfyUI. The gate knows no request: a route names the claim (idempotencyClaim / claimOf)
// and the submission runs its step through `once`, so the WebSocket submit shares it with the HTTP routes.
// - Same key, different request (body or query) → 400: the key names one request, not a slot to reuse.
// - A duplicate arriving while the first still runs waits for the first's outcome rather than submitting again
//   (in the same process on the first's promise; in another process sharing a Redis store, by polling the store).
// - Only successes are kept: after a 4xx/5xx the caller fixes the input and retries with the same key.
// - The scope is the matched route (its template), not the raw path: `/submit`, `/submit/` and `/SUBMIT` are one
//   route to the router, so they are one scope here too and the variants replay the first answer.
// - Images inlined into an answer (`?output=base64`) are not kept: the record keeps the rest of the answer and
//   which outputs to re-read, and a replay reads them again from ComfyUI's output folder.
import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Context } from 'koa';
import { fail } from '../errors.js';
import { message } from '../i18n.js';
import { stateOf } from './envelope.js';
import type { IdempotencyStore, StoredAnswer } from './idempotency-store.js';
import { memoryAnswers } from '../store/memory.js';
import type { IdempotencyAnswers, IdempotencyHolder } from '../store/types.js';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';

/** One key's place in the store (who, which route, which key) and what the key must keep meaning. */
export interface IdempotencyClaim {
  scope: string;
  fingerprint: string;
}

/** Takes the re-readable inline parts out of an answer before it is kept, and puts them back on replay. */
export interface InlineParts {
  /** A copy of the body without its inline parts, and which parts to re-read; undefined when it has none. */
  take(body: object): { body: object; parts: number[] } | undefined;
  /** Puts the parts back into the (parsed) body. */
  restore(body: object, parts: number[]): Promise<void>;
}

export interface IdempotencyGate {
  /**
   * Runs `produce` at most once per claim's scope and keeps its answer; a later (or concurrent) request with the
   * same fingerprint gets that answer again (`replayed`), another fingerprint is a 400, and a failure is not kept.
   */
  once<T extends object>(claim: IdempotencyClaim, produce: () => Promise<T>): Promise<{ answer: T; replayed: boolean }>;
}

const VALID_KEY = /^[\x20-\x7e]{1,255}$/;

/**
 * The claim of a request that carries `key` (undefined: none, the request runs as it is). `who` is the API key
 * name (undefined with auth off), `route` the matched route, `request` the parsed body and `query` the raw query.
 */
export function idempotencyClaim(
  key: string | undefined,
  who: string | undefined,
  route: string,
  request: unknown,
  query = '',
): IdempotencyClaim | undefined {
  if (key === undefined) return undefined;
  if (!VALID_KEY.test(key)) throw fail.badRequest(message('reason.idempotency_key'));
  // NUL cannot occur in a header value or a path, so the parts cannot run into each other.
  const scope = [who === undefined ? '-' : `k:${who}`, route, key].join('\0');
  return { scope, fingerprint: fingerprintOf(query, request) };
}

/** The claim of an HTTP request: its Idempotency-Key header, its API key, the query and the parsed body. */
export function claimOf(ctx: Context, route: string, request: unknown): IdempotencyClaim | undefined {
  const key = ctx.headers['idempotency-key'] === undefined ? undefined : ctx.get(IDEMPOTENCY_HEADER);
  return idempotencyClaim(key, stateOf(ctx).apiKey, route, request, ctx.querystring);
}

export function createIdempotency(store: IdempotencyAnswers | IdempotencyStore, inline?: InlineParts): IdempotencyGate {
  const answers = 'renew' in store ? store : memoryAnswers(store);
  // The outcome of each claim running in this process: a duplicate here waits on it (and answers the first's error
  // when it fails); a duplicate in another process only sees the store, and polls it.
  const running = new Map<string, Promise<StoredAnswer>>();

  /** The holder's answer, or undefined once the holder gave up (failed, or its process stopped): claim again. */
  async function answerOf(scope: string, holder: IdempotencyHolder): Promise<StoredAnswer | undefined> {
    const here = running.get(holder.token);
    if (here) return here;
    for (let wait = 20; ; wait = Math.min(250, wait * 2)) {
      await delay(wait);
      const now = await answers.peek(scope);
      if (now?.answer && now.fingerprint === holder.fingerprint) return now.answer;
      if (!now || now.token !== holder.token) return undefined;
    }
  }

  async function run<T extends object>(claim: IdempotencyClaim, token: string, produce: () => Promise<T>): Promise<T> {
    let resolve!: (answer: StoredAnswer) => void;
    let reject!: (error: unknown) => void;
    const outcome = new Promise<StoredAnswer>((res, rej) => ((resolve = res), (reject = rej)));
    // Without waiters nobody awaits a rejection: keep it from being reported as unhandled.
    outcome.catch(() => undefined);
    running.set(token, outcome);
    const renewal = answers.renewEveryMs === undefined ? undefined : setInterval(() => {
      void Promise.resolve()
        .then(() => answers.renew(claim.scope, token))
        .catch(() => undefined);
    }, answers.renewEveryMs);
    renewal?.unref();
    const settle = () => {
      clearInterval(renewal);
      running.delete(token);
    };
    let answer: T;
    try {
      answer = await produce();
    } catch (error) {
      // A store that cannot be told lets the claim lapse at the end of its lease instead.
      await Promise.resolve()
        .then(() => answers.release(claim.scope, token))
        .catch(() => undefined);
      settle();
      reject(error);
      throw error;
    }
    const kept = keep(answer, inline);
    // The prompt is submitted: its answer goes back at once, and even when the store cannot keep it (the claim then
    // lapses). Keeping it is not waited for: a duplicate here has the answer from `running`, and one on another
    // process finds the claim still held (renewed until this settles) and waits for the answer to be kept.
    resolve(kept);
    void Promise.resolve()
      .then(async () => {
        if (!(await answers.put(claim.scope, token, claim.fingerprint, kept))) await answers.release(claim.scope, token);
      })
      .catch(() => undefined)
      .finally(settle);
    return answer;
  }

  return {
    async once<T extends object>(claim: IdempotencyClaim, produce: () => Promise<T>) {
      for (;;) {
        const taken = await answers.claim(claim.scope, claim.fingerprint);
        if (taken.claimed) return { answer: await run(claim, taken.token, produce), replayed: false };
        const { holder } = taken;
        if (holder.fingerprint !== claim.fingerprint) throw fail.badRequest(message('reason.idempotency_reused'));
        // A failed first attempt in this process rejects here, and this duplicate answers the same error.
        const kept = holder.answer ?? (await answerOf(claim.scope, holder));
        if (kept) return { answer: (await reread(kept, inline)) as T, replayed: true };
      }
    },
  };
}

async function reread(answer: StoredAnswer, inline: InlineParts | undefined): Promise<object> {
  const body = JSON.parse(answer.body) as object;
  if (answer.parts && inline) await inline.restore(body, answer.parts);
  return body;
}

/** The answer as JSON text, its inline parts taken out. */
function keep(body: object, inline: InlineParts | undefined): StoredAnswer {
  const taken = inline?.take(body);
  if (taken) return { status: 200, body: JSON.stringify(taken.body), parts: taken.parts };
  return { status: 200, body: JSON.stringify(body) };
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
