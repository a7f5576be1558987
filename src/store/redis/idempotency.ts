// Idempotency-Key answers in Redis, with the memory store's bounds kept by Redis itself: one hash per scope
// (fingerprint f, claim token t, expiry x, kept answer a, accounted bytes s), a sorted set of scopes by last use
// (scored from a counter, so the order is exact), and a byte counter. Each operation is one Lua script, so a claim
// is atomic across processes, and the bounds (max_keys, max_bytes) are enforced in the same step that adds bytes:
// least recently used scopes go first. A claim carries a lease, renewed while its request runs; a process that
// stops renewing (it died) loses the claim and the next request with that key runs.
import { randomUUID } from 'node:crypto';
import type { StoredAnswer } from '../../http/idempotency-store.js';
import type { IdempotencyAnswers, IdempotencyHolder, IdempotencyOptions } from '../types.js';
import type { RedisConnection } from './connection.js';
import { defineScript } from './script.js';

/** A claim not renewed for this long is taken to be dead. */
const claimLeaseMs = 30_000;
/** What a claim is counted as before it has an answer (the memory store's figure). */
const pendingBytes = 256;

// KEYS: lru zset, byte counter, use counter. ARGV[1] entry key prefix, ARGV[2] now, ARGV[3] max keys,
// ARGV[4] max bytes; the operation's own arguments follow.
const common = `
local prefix, now, maxKeys, maxBytes = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local function remove(scope)
  local key = prefix .. scope
  local size = redis.call('HGET', key, 's')
  if size then redis.call('DECRBY', KEYS[2], size) end
  redis.call('DEL', key)
  redis.call('ZREM', KEYS[1], scope)
end
local function touch(scope)
  redis.call('ZADD', KEYS[1], redis.call('INCR', KEYS[3]), scope)
end
local function live(scope)
  local e = redis.call('HMGET', prefix .. scope, 'f', 't', 'x', 'a')
  if not e[1] then return nil end
  if tonumber(e[3]) <= now then remove(scope) return nil end
  touch(scope)
  return e
end
local function insert(scope, fields, size)
  remove(scope)
  redis.call('HSET', prefix .. scope, 's', size, unpack(fields))
  redis.call('INCRBY', KEYS[2], size)
  touch(scope)
  while true do
    local count = redis.call('ZCARD', KEYS[1])
    local bytes = tonumber(redis.call('GET', KEYS[2]) or '0')
    if count > maxKeys or (bytes > maxBytes and count > 1) then
      remove(redis.call('ZRANGE', KEYS[1], 0, 0)[1])
    else
      break
    end
  end
end
local function stats()
  return {redis.call('ZCARD', KEYS[1]), tonumber(redis.call('GET', KEYS[2]) or '0')}
end
`;

// ARGV[5] scope, [6] fingerprint, [7] token, [8] claim expiry, [9] claim bytes → {1, count, bytes} or {0, count,
// bytes, f, t, a|false}
const claimScript = defineScript('gatewayIdemClaim', 3, `${common}
local e = live(ARGV[5])
local s = stats()
if e then return {0, s[1], s[2], e[1], e[2], e[4]} end
insert(ARGV[5], {'f', ARGV[6], 't', ARGV[7], 'x', ARGV[8]}, tonumber(ARGV[9]))
s = stats()
return {1, s[1], s[2]}
`);

// ARGV[5] scope → {count, bytes, f, t, a|false} or {count, bytes}
const peekScript = defineScript('gatewayIdemPeek', 3, `${common}
local e = live(ARGV[5])
local s = stats()
if e then return {s[1], s[2], e[1], e[2], e[4]} end
return s
`);

// ARGV[5] scope, [6] token, [7] new expiry: only a claim still held under the token, not yet answered.
const renewScript = defineScript('gatewayIdemRenew', 3, `${common}
local key = prefix .. ARGV[5]
if redis.call('HGET', key, 't') == ARGV[6] and redis.call('HEXISTS', key, 'a') == 0 then
  redis.call('HSET', key, 'x', ARGV[7])
end
return 1
`);

// ARGV[5] scope, [6] token, [7] fingerprint, [8] answer, [9] expiry, [10] bytes → {kept, count, bytes}. The answer
// replaces the claim it was produced under; a newer holder (the claim lapsed) is left alone.
const putScript = defineScript('gatewayIdemPut', 3, `${common}
local key = prefix .. ARGV[5]
local holder = redis.call('HGET', key, 't')
if holder and holder ~= ARGV[6] then local s = stats() return {1, s[1], s[2]} end
local size = tonumber(ARGV[10])
if size > maxBytes then
  remove(ARGV[5])
  local s = stats()
  return {0, s[1], s[2]}
end
insert(ARGV[5], {'f', ARGV[7], 't', ARGV[6], 'x', ARGV[9], 'a', ARGV[8]}, size)
local s = stats()
return {1, s[1], s[2]}
`);

// ARGV[5] scope, [6] token → {count, bytes}
const releaseScript = defineScript('gatewayIdemRelease', 3, `${common}
if redis.call('HGET', prefix .. ARGV[5], 't') == ARGV[6] then remove(ARGV[5]) end
return stats()
`);

type Reply = (string | number | null)[];

export function redisAnswers(redis: RedisConnection, keyPrefix: string, options: IdempotencyOptions): IdempotencyAnswers {
  const now = options.now ?? Date.now;
  const base = `${keyPrefix}idem:`;
  const keys = [`${base}lru`, `${base}bytes`, `${base}uses`];
  let size = 0;
  let bytes = 0;

  async function call(script: typeof claimScript, args: (string | number)[]): Promise<Reply> {
    const head = [`${base}e:`, now(), options.maxKeys, options.maxBytes];
    return (await redis.run((client) => script(client, keys, [...head, ...args]))) as Reply;
  }
  function holder(fingerprint: unknown, token: unknown, answer: unknown): IdempotencyHolder {
    const found: IdempotencyHolder = { fingerprint: String(fingerprint), token: String(token) };
    if (typeof answer === 'string') found.answer = JSON.parse(answer) as StoredAnswer;
    return found;
  }
  function counted(count: unknown, total: unknown): void {
    size = Number(count);
    bytes = Number(total);
  }

  return {
    renewEveryMs: claimLeaseMs / 3,
    async claim(scope, fingerprint) {
      const token = randomUUID();
      const claimBytes = Buffer.byteLength(scope) + fingerprint.length + pendingBytes;
      const reply = await call(claimScript, [scope, fingerprint, token, now() + claimLeaseMs, claimBytes]);
      counted(reply[1], reply[2]);
      return reply[0] === 1 ? { claimed: true, token } : { claimed: false, holder: holder(reply[3], reply[4], reply[5]) };
    },
    async peek(scope) {
      const reply = await call(peekScript, [scope]);
      counted(reply[0], reply[1]);
      return reply.length > 2 ? holder(reply[2], reply[3], reply[4]) : undefined;
    },
    async renew(scope, token) {
      await call(renewScript, [scope, token, now() + claimLeaseMs]);
    },
    async put(scope, token, fingerprint, answer) {
      const size = Buffer.byteLength(scope) + fingerprint.length + Buffer.byteLength(answer.body);
      const reply = await call(putScript, [scope, token, fingerprint, JSON.stringify(answer), now() + options.ttlMs, size]);
      counted(reply[1], reply[2]);
      return reply[0] === 1;
    },
    async release(scope, token) {
      const reply = await call(releaseScript, [scope, token]);
      counted(reply[0], reply[1]);
    },
    get size() {
      return size;
    },
    get bytes() {
      return bytes;
    },
  };
}
