// Token buckets in Redis: the memory limiter's arithmetic in one Lua script, so that every gateway process takes
// from the same bucket atomically. A bucket expires once it would have refilled completely (a full bucket and no
// bucket are the same), which keeps idle callers from costing memory.
import type { RateLimitOptions, RateLimitStore } from '../types.js';
import type { RedisConnection } from './connection.js';
import { defineScript } from './script.js';

// KEYS[1] the bucket; ARGV rate per second, burst, now (ms), expiry (ms) → {1} or {0, seconds to wait}
const takeScript = defineScript('gatewayRateTake', 1, `
local rate, burst, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local held = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = burst
if held[1] then
  -- Clocks of two hosts may disagree by a little: time never runs backwards for a bucket.
  local elapsed = math.max(0, now - tonumber(held[2]))
  tokens = math.min(burst, tonumber(held[1]) + elapsed / 1000 * rate)
end
local ok = tokens >= 1
if ok then tokens = tokens - 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
if ok then return {1} end
return {0, math.max(1, math.ceil((1 - tokens) / rate))}
`);

export function redisRateLimiter(redis: RedisConnection, keyPrefix: string, options: RateLimitOptions): RateLimitStore {
  const now = options.now ?? Date.now;
  const rate = options.ratePerSecond;
  const burst = Math.max(1, options.burst);
  const fullAfterMs = Math.ceil((burst / rate) * 1000) + 1_000;
  return {
    async take(id) {
      const reply = (await redis.run((client) =>
        takeScript(client, [`${keyPrefix}rate:${id}`], [rate, burst, now(), fullAfterMs]),
      )) as number[];
      return reply[0] === 1 ? { ok: true } : { ok: false, retryAfterSeconds: Number(reply[1]) };
    },
  };
}
