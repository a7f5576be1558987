// Token buckets, one per caller (API key name, or client IP when there are no keys). A bucket that has refilled
// completely is indistinguishable from a new one, so idle buckets are dropped; the map is kept in last-use order
// so the idle ones sit at the front. Past the cap the least recently used bucket goes, which at worst gives one
// idle caller a fresh burst.
export interface RateLimiter {
  readonly size: number;
  take(id: string): { ok: true } | { ok: false; retryAfterSeconds: number };
}

export interface RateLimiterOptions {
  ratePerSecond: number;
  burst: number;
  maxBuckets?: number;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const now = options.now ?? Date.now;
  const rate = options.ratePerSecond;
  const burst = Math.max(1, options.burst);
  const maxBuckets = options.maxBuckets ?? 100_000;
  const fullAfterMs = (burst / rate) * 1000;
  const buckets = new Map<string, Bucket>();

  function dropIdle(at: number): void {
    for (const [id, bucket] of buckets) {
      if (at - bucket.at < fullAfterMs && buckets.size <= maxBuckets) break;
      buckets.delete(id);
    }
  }

  return {
    get size() {
      return buckets.size;
    },
    take(id) {
      const at = now();
      const previous = buckets.get(id);
      const tokens = previous
        ? Math.min(burst, previous.tokens + ((at - previous.at) / 1000) * rate)
        : burst;
      // Re-inserting moves the bucket to the back: the map stays in last-use order.
      buckets.delete(id);
      if (tokens < 1) {
        buckets.set(id, { tokens, at });
        return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / rate)) };
      }
      buckets.set(id, { tokens: tokens - 1, at });
      dropIdle(at);
      return { ok: true };
    },
  };
}
