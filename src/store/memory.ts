// The embedded store: this process's memory, exactly what the gateway did before the seam existed (the same
// idempotency store, nonce cache, token buckets and wrong-key counts, answering synchronously). Forgotten on restart.
import { randomUUID } from 'node:crypto';
import {
  createIdempotencyStore,
  type IdempotencyEntry,
  type IdempotencyStore,
  type PendingEntry,
} from '../http/idempotency-store.js';
import { createFailedAuthLimiter } from '../security/failed-auth.js';
import { createNonceCache } from '../security/nonce-cache.js';
import { createRateLimiter } from '../security/rate-limit.js';
import { createMemoryOutbox } from './memory-outbox.js';
import type { IdempotencyAnswers, IdempotencyHolder, StateStore } from './types.js';

export function createMemoryStore(): StateStore {
  return {
    kind: 'memory',
    idempotency: (options) => memoryAnswers(createIdempotencyStore(options)),
    nonces: (options) => createNonceCache(options),
    rateLimiter: (options) => createRateLimiter(options),
    failedAuth: (options) => createFailedAuthLimiter(options),
    outbox: createMemoryOutbox,
    close: async () => undefined,
  };
}

/** A claim in the memory store is a pending entry; a token names it so the seam's callers hold no entry objects. */
export function memoryAnswers(store: IdempotencyStore): IdempotencyAnswers {
  const tokens = new WeakMap<IdempotencyEntry, string>();
  const claims = new Map<string, PendingEntry>();
  // Nobody awaits a memory claim's promise: waiters in this process wait on the gate's own promise.
  const never = new Promise<never>(() => undefined);

  function holderOf(entry: IdempotencyEntry): IdempotencyHolder {
    const token = tokens.get(entry) ?? '';
    return 'answer' in entry
      ? { fingerprint: entry.fingerprint, token, answer: entry.answer }
      : { fingerprint: entry.fingerprint, token };
  }

  return {
    claim(scope, fingerprint) {
      const entry: PendingEntry = { fingerprint, pending: never };
      const holder = store.claim(scope, entry);
      if (holder !== entry) return { claimed: false, holder: holderOf(holder) };
      const token = randomUUID();
      tokens.set(entry, token);
      claims.set(token, entry);
      return { claimed: true, token };
    },
    peek(scope) {
      const entry = store.get(scope);
      return entry && holderOf(entry);
    },
    renew: () => undefined,
    put(scope, token, fingerprint, answer) {
      claims.delete(token);
      return store.put(scope, fingerprint, answer);
    },
    release(scope, token) {
      const entry = claims.get(token);
      claims.delete(token);
      if (entry) store.release(scope, entry);
    },
    get size() {
      return store.size;
    },
    get bytes() {
      return store.bytes;
    },
  };
}
