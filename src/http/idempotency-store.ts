// The memory behind Idempotency-Key: scope → the first request's fingerprint and either its answer (kept for
// ttl) or, while it runs, a promise of it. Bounded both ways: least recently used scopes go first past maxKeys,
// and an expired answer is dropped when it is next looked at (and as the LRU pushes it out).

export interface StoredAnswer {
  status: number;
  /** The JSON body exactly as first sent. */
  body: string;
}

export type IdempotencyEntry =
  | { fingerprint: string; pending: Promise<StoredAnswer> }
  | { fingerprint: string; answer: StoredAnswer; expiresAt: number };

export interface IdempotencyStore {
  /** The live entry of a scope (marks it recently used), or undefined. */
  get(scope: string): IdempotencyEntry | undefined;
  set(scope: string, entry: IdempotencyEntry): void;
  /** Removes the scope only while it still holds this entry (a newer one is left alone). */
  delete(scope: string, entry: IdempotencyEntry): void;
  /** An answer entry that expires ttl from now. */
  answered(fingerprint: string, answer: StoredAnswer): IdempotencyEntry;
  readonly size: number;
}

export interface IdempotencyStoreOptions {
  maxKeys: number;
  ttlMs: number;
  now?: () => number;
}

export function createIdempotencyStore(options: IdempotencyStoreOptions): IdempotencyStore {
  const now = options.now ?? Date.now;
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  const entries = new Map<string, IdempotencyEntry>();
  return {
    get(scope) {
      const entry = entries.get(scope);
      if (!entry) return undefined;
      entries.delete(scope);
      if ('expiresAt' in entry && entry.expiresAt <= now()) return undefined;
      entries.set(scope, entry);
      return entry;
    },
    set(scope, entry) {
      entries.delete(scope);
      entries.set(scope, entry);
      while (entries.size > options.maxKeys) entries.delete(entries.keys().next().value as string);
    },
    delete(scope, entry) {
      if (entries.get(scope) === entry) entries.delete(scope);
    },
    answered: (fingerprint, answer) => ({ fingerprint, answer, expiresAt: now() + options.ttlMs }),
    get size() {
      return entries.size;
    },
  };
}
