// Wrong API keys per client address in Redis, so that N gateway processes allow no more guesses than one. The same
// fixed window as the memory count: the first wrong key starts it, and the key expires when it ends. Counting is one
// script (INCR, and PEXPIRE on the first), so no two processes can both start a window or lose a count between them.
// While Redis does not answer, the process counts on its own (the memory count): a lockout check is no reason to
// refuse every keyed request, and the guesses it allows meanwhile are those of one process, as before Redis.
import { createFailedAuthLimiter } from '../../security/failed-auth.js';
import type { FailedAuthOptions, FailedAuthStore } from '../types.js';
import type { RedisConnection } from './connection.js';
import { defineScript } from './script.js';

// KEYS[1] the address's count; ARGV window (ms) → the count now
const failScript = defineScript('gatewayAuthFailed', 1, `
local count = redis.call('INCR', KEYS[1])
if count == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count
`);

// KEYS[1] the address's count → {count, ms left} (one command on every keyed request, not a MULTI of four)
const blockedScript = defineScript('gatewayAuthBlocked', 1, `
return {tonumber(redis.call('GET', KEYS[1]) or '0'), redis.call('PTTL', KEYS[1])}
`);

export function redisFailedAuth(redis: RedisConnection, keyPrefix: string, options: FailedAuthOptions): FailedAuthStore {
  const keyOf = (address: string) => `${keyPrefix}authfail:${address}`;
  const local = createFailedAuthLimiter(options);
  return {
    async blocked(address) {
      let reply: [number, number];
      try {
        reply = (await redis.run((client) => blockedScript(client, [keyOf(address)], []))) as [number, number];
      } catch {
        // The connection logged the outage.
        return local.blocked(address);
      }
      const [count, leftMs] = reply;
      if (count < options.attempts || leftMs <= 0) return undefined;
      return Math.max(1, Math.ceil(leftMs / 1000));
    },
    async failed(address) {
      try {
        await redis.run((client) => failScript(client, [keyOf(address)], [options.windowMs]));
      } catch {
        local.failed(address);
      }
    },
  };
}
