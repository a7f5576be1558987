// Backend slots shared by every gateway process: no backend gets more prompts than its slots from all processes
// together. Per backend, a hash of its settings (slots, draining), a sorted set of the jobs holding a slot scored
// by when their lease ends, and a hash of each lease's details. Taking a slot is one Lua script (drop expired
// leases, count, add), so two processes racing for the last slot cannot both win. Leases expire: the process that
// holds them renews them every third of their life, so the slots of a process that died (kill -9) come free by
// themselves within SLOT_LEASE_MS. Times are Redis's own clock (TIME), so the processes' clocks need not agree.
import type { Lease, SlotUsage } from '../../backends/slots.js';
import type { Logger } from '../../log.js';
import type { SharedSlots } from '../types.js';
import type { RedisConnection } from './connection.js';
import { defineScript } from './script.js';

export const SLOT_LEASE_MS = 15_000;

const NOW = `local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;
const EXPIRE = `
local dead = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
for _, id in ipairs(dead) do redis.call('HDEL', KEYS[3], id) end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)`;

// KEYS settings, leases (zset), details (hash). ARGV job id, lease JSON, lease ms, slots → 1 taken, 0 not.
const acquireScript = defineScript('gatewaySlotAcquire', 3, `${NOW}${EXPIRE}
if redis.call('HGET', KEYS[1], 'draining') == '1' then return 0 end
if redis.call('ZSCORE', KEYS[2], ARGV[1]) then return 0 end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then return 0 end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
return 1
`);

// KEYS leases, details. ARGV job id, lease JSON, lease ms: a lease held or not, this one holds it now (no count:
// the job already runs on the backend; its details are kept if they are there).
const keepScript = defineScript('gatewaySlotKeep', 2, `${NOW}
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2])
return 1
`);

// KEYS settings, leases, details → {draining, lease JSON…}; expired leases are dropped first.
const usageScript = defineScript('gatewaySlotUsage', 3, `${NOW}${EXPIRE}
local out = {redis.call('HGET', KEYS[1], 'draining') or '0'}
local ids = redis.call('ZRANGE', KEYS[2], 0, -1)
if #ids > 0 then
  for _, lease in ipairs(redis.call('HMGET', KEYS[3], unpack(ids))) do out[#out + 1] = lease or '' end
end
return out
`);

// KEYS leases. ARGV lease ms, job ids… : pushes the end of each lease still held (XX: an expired one stays gone).
const renewScript = defineScript('gatewaySlotRenew', 1, `${NOW}
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[i]) end
return 1
`);

export function redisSlots(connection: RedisConnection, prefix: string, log: Logger, leaseMs = SLOT_LEASE_MS): SharedSlots {
  const keys = (backend: string) => {
    const base = `${prefix}slots:${backend}`;
    return [`${base}:settings`, `${base}:leases`, `${base}:lease`] as const;
  };
  // The backends this process has in its pool with their slot counts (every process reads the same gateway.yaml,
  // and the count goes with each acquire, so a Redis that is away at start-up costs nothing here), and the leases
  // this process holds on each (the ones it renews).
  const known = new Map<string, number>();
  const held = new Map<string, Set<string>>();
  const heldOn = (backend: string) => {
    let set = held.get(backend);
    if (!set) held.set(backend, (set = new Set()));
    return set;
  };
  const renewer = setInterval(() => {
    for (const [backend, jobs] of held) {
      if (jobs.size === 0) continue;
      connection
        .run((client) => renewScript(client, [keys(backend)[1]], [leaseMs, ...jobs]))
        .catch((error: unknown) => log.debug({ err: error, backend }, 'slot leases not renewed'));
    }
  }, Math.max(100, Math.floor(leaseMs / 3)));
  renewer.unref();

  async function usage(backend: string): Promise<SlotUsage | undefined> {
    const slots = known.get(backend);
    if (slots === undefined) return undefined;
    const answer = (await connection.run((client) => usageScript(client, keys(backend), []))) as string[];
    const draining = answer[0] === '1';
    const leases = answer.slice(1).filter(Boolean).map((text) => JSON.parse(text) as Lease);
    const running = leases.filter((lease) => lease.state === 'running').length;
    return {
      backend,
      slots,
      running,
      waiting: leases.length - running,
      free: draining ? 0 : Math.max(0, slots - leases.length),
      draining,
      leases,
    };
  }

  return {
    async configure(backend, slots) {
      if (!Number.isInteger(slots) || slots < 1) throw new Error(`backend ${backend}: slots must be a whole number ≥ 1`);
      // Draining is left as it is: another process may have set it, and a restart must not undo it.
      known.set(backend, slots);
    },
    async forget(backend) {
      if (held.get(backend)?.size) return false;
      // The slot count stays (other processes may still have this backend in their pool); its drain ends with it
      // leaving, so a backend added back later takes work again, as with the memory store.
      await connection.run((client) => client.hdel(keys(backend)[0], 'draining'));
      known.delete(backend);
      held.delete(backend);
      return true;
    },
    async tryAcquire(backend, { jobId, scenario, at }) {
      const slots = known.get(backend);
      if (slots === undefined) return false;
      const lease: Lease = { jobId, backend, scenario, state: 'waiting', acquiredAt: at };
      const taken = await connection.run((client) => acquireScript(client, keys(backend), [jobId, JSON.stringify(lease), leaseMs, slots]));
      if (taken !== 1) return false;
      heldOn(backend).add(jobId);
      return true;
    },
    async keep(backend, { jobId, scenario, at }) {
      if (!known.has(backend)) return;
      const [, leases, details] = keys(backend);
      const lease: Lease = { jobId, backend, scenario, state: 'waiting', acquiredAt: at };
      await connection.run((client) => keepScript(client, [leases, details], [jobId, JSON.stringify(lease), leaseMs]));
      heldOn(backend).add(jobId);
    },
    async markRunning(backend, jobId, at) {
      const [, , details] = keys(backend);
      const text = await connection.run((client) => client.hget(details, jobId));
      if (!text) return;
      const lease = JSON.parse(text) as Lease;
      if (lease.state !== 'waiting') return;
      // Only the holder writes its lease's details; the count lives in the sorted set.
      await connection.run((client) => client.hset(details, jobId, JSON.stringify({ ...lease, state: 'running', startedAt: at })));
    },
    async release(backend, jobId) {
      held.get(backend)?.delete(jobId);
      const [, leases, details] = keys(backend);
      const [text] = await connection.run(async (client) => {
        const result = await client.multi().hget(details, jobId).zrem(leases, jobId).hdel(details, jobId).exec();
        return [result?.[0]?.[1] as string | null | undefined];
      });
      return text ? (JSON.parse(text) as Lease) : undefined;
    },
    async setDraining(backend, draining) {
      if (!known.has(backend)) throw new Error(`backend ${backend} is not in the pool`);
      await connection.run((client) => client.hset(keys(backend)[0], 'draining', draining ? '1' : '0'));
    },
    usage,
    async all() {
      const found = await Promise.all([...known.keys()].map((backend) => usage(backend)));
      return found.filter((entry): entry is SlotUsage => entry !== undefined);
    },
    stop() {
      clearInterval(renewer);
    },
  };
}
