// Nonces seen within the signature window. Every entry lives for the same time, so insertion order is expiry
// order: expired entries are dropped from the front in O(1) each. Memory is capped; when the cap is reached by
// nonces still inside the window, new requests are refused rather than old nonces forgotten (forgetting one would
// let its request be replayed). This is the memory store's nonce store (src/store); remember() is one atomic
// check-and-remember. It lives in the process, so nonces are forgotten on restart (the Redis store keeps them).
export interface NonceCache {
  readonly size: number;
  /** 'new' records the nonce; 'replayed' means it was seen; `full` says when the oldest entry will expire. */
  remember(nonce: string): { result: 'new' } | { result: 'replayed' } | { result: 'full'; retryAfterSeconds: number };
}

export interface NonceCacheOptions {
  ttlMs: number;
  capacity: number;
  now?: () => number;
}

export function createNonceCache(options: NonceCacheOptions): NonceCache {
  const now = options.now ?? Date.now;
  const expiries = new Map<string, number>();

  function dropExpired(at: number): void {
    for (const [nonce, expires] of expiries) {
      if (expires > at) break;
      expiries.delete(nonce);
    }
  }

  return {
    get size() {
      return expiries.size;
    },
    remember(nonce) {
      const at = now();
      dropExpired(at);
      if (expiries.has(nonce)) return { result: 'replayed' };
      if (expiries.size >= options.capacity) {
        const oldest = expiries.values().next().value ?? at;
        return { result: 'full', retryAfterSeconds: Math.max(1, Math.ceil((oldest - at) / 1000)) };
      }
      expiries.set(nonce, at + options.ttlMs);
      return { result: 'new' };
    },
  };
}
