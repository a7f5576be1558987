// The memory behind Idempotency-Key: scope → the first request's fingerprint and either its answer (kept for ttl)
// or, while it runs, a promise of it. It lives in the process, so keys are forgotten on restart; the state seam
// (src/store) wraps it as the memory store and keeps the same bounds in Redis. Bounded three ways: by count
// (max_keys), by bytes (max_bytes, counted over scope, fingerprint and kept body), and by time (an expired answer
// is dropped when next looked at). Least recently used scopes go first when either bound is crossed; an answer
// larger than the whole byte bound is not kept at all.

export interface StoredAnswer {
  status: number;
  /** The JSON body as kept (inline images taken out: `parts` says which to re-read on replay). */
  body: string;
  parts?: number[];
}

export type IdempotencyEntry =
  | { fingerprint: string; pending: Promise<StoredAnswer> }
  | { fingerprint: string; answer: StoredAnswer; expiresAt: number };

export type PendingEntry = Extract<IdempotencyEntry, { pending: unknown }>;

export interface IdempotencyStore {
  /** The live entry of a scope (marks it recently used), or undefined. */
  get(scope: string): IdempotencyEntry | undefined;
  /** Takes a free scope for a first request (returns `entry`), or returns the live entry that already holds it. */
  claim(scope: string, entry: PendingEntry): IdempotencyEntry;
  /** Keeps the answer for ttl, replacing the pending entry; false when it is larger than the whole byte bound. */
  put(scope: string, fingerprint: string, answer: StoredAnswer): boolean;
  /** Removes the scope only while it still holds this entry (a newer one is left alone). */
  release(scope: string, entry: IdempotencyEntry): void;
  readonly size: number;
  /** Bytes accounted for the entries held now. */
  readonly bytes: number;
}

export interface IdempotencyStoreOptions {
  maxKeys: number;
  maxBytes: number;
  ttlMs: number;
  now?: () => number;
}

/** What a pending entry is counted as: its promise and bookkeeping, not yet a body. */
const pendingBytes = 256;

function sizeOf(scope: string, entry: IdempotencyEntry): number {
  const body = 'answer' in entry ? Buffer.byteLength(entry.answer.body) : pendingBytes;
  return Buffer.byteLength(scope) + entry.fingerprint.length + body;
}

export function createIdempotencyStore(options: IdempotencyStoreOptions): IdempotencyStore {
  const now = options.now ?? Date.now;
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  const entries = new Map<string, { entry: IdempotencyEntry; bytes: number }>();
  let bytes = 0;

  function remove(scope: string): void {
    const held = entries.get(scope);
    if (!held) return;
    entries.delete(scope);
    bytes -= held.bytes;
  }

  function insert(scope: string, entry: IdempotencyEntry): void {
    remove(scope);
    const size = sizeOf(scope, entry);
    entries.set(scope, { entry, bytes: size });
    bytes += size;
    while (entries.size > options.maxKeys || (bytes > options.maxBytes && entries.size > 1)) {
      remove(entries.keys().next().value as string);
    }
  }

  function live(scope: string): IdempotencyEntry | undefined {
    const held = entries.get(scope);
    if (!held) return undefined;
    if ('expiresAt' in held.entry && held.entry.expiresAt <= now()) {
      remove(scope);
      return undefined;
    }
    // Re-inserting moves it to the back: the most recently used.
    entries.delete(scope);
    entries.set(scope, held);
    return held.entry;
  }

  return {
    get: live,
    claim(scope, entry) {
      const existing = live(scope);
      if (existing) return existing;
      insert(scope, entry);
      return entry;
    },
    put(scope, fingerprint, answer) {
      const entry: IdempotencyEntry = { fingerprint, answer, expiresAt: now() + options.ttlMs };
      if (sizeOf(scope, entry) > options.maxBytes) {
        remove(scope);
        return false;
      }
      insert(scope, entry);
      return true;
    },
    release(scope, entry) {
      if (entries.get(scope)?.entry === entry) remove(scope);
    },
    get size() {
      return entries.size;
    },
    get bytes() {
      return bytes;
    },
  };
}
