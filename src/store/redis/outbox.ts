// The webhook outbox in Redis: items in a hash (id → JSON), due times in a sorted set, current leases in a hash.
// Claiming moves an item's due time to the end of its lease in the same script that hands it out, so two processes
// never take one item at once, and an item whose process died is simply due again when the lease ends.
import { randomUUID } from 'node:crypto';
import type { LeasedItem, OutboxItem, WebhookOutbox } from '../types.js';
import type { RedisConnection } from './connection.js';
import { defineScript } from './script.js';

// KEYS items, due, leases. ARGV now, lease end, limit, lease token → {id, item, id, item, …}
const claimScript = defineScript('gatewayOutboxClaim', 3, `
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, id in ipairs(ids) do
  local item = redis.call('HGET', KEYS[1], id)
  if item then
    redis.call('ZADD', KEYS[2], ARGV[2], id)
    redis.call('HSET', KEYS[3], id, ARGV[4])
    out[#out + 1] = id
    out[#out + 1] = item
  else
    redis.call('ZREM', KEYS[2], id)
  end
end
return out
`);

// KEYS items, due, leases. ARGV id, lease, due at (empty: finish), item JSON.
const settleScript = defineScript('gatewayOutboxSettle', 3, `
if redis.call('HGET', KEYS[3], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[3], ARGV[1])
if ARGV[3] == '' then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('ZREM', KEYS[2], ARGV[1])
else
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
end
return 1
`);

export function redisOutbox(redis: RedisConnection, keyPrefix: string): WebhookOutbox {
  const keys = [`${keyPrefix}outbox:items`, `${keyPrefix}outbox:due`, `${keyPrefix}outbox:leases`];
  return {
    async add(item, dueAt) {
      await redis.run((client) =>
        client.multi().hset(keys[0]!, item.id, JSON.stringify(item)).zadd(keys[1]!, dueAt, item.id).exec(),
      );
    },
    async claim(now, leaseMs, limit) {
      const lease = randomUUID();
      const reply = (await redis.run((client) => claimScript(client, keys, [now, now + leaseMs, limit, lease]))) as string[];
      const claimed: LeasedItem[] = [];
      for (let i = 0; i + 1 < reply.length; i += 2) claimed.push({ item: JSON.parse(reply[i + 1]!) as OutboxItem, lease });
      return claimed;
    },
    async retry(leased, dueAt) {
      await redis.run((client) => settleScript(client, keys, [leased.item.id, leased.lease, dueAt, JSON.stringify(leased.item)]));
    },
    async finish(leased) {
      await redis.run((client) => settleScript(client, keys, [leased.item.id, leased.lease, '', '']));
    },
  };
}
