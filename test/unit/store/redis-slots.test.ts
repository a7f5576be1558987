// The Redis slot store as two processes see it: two connections, one Redis. Racing for the last slot, exactly one
// wins; the slots of a holder that stopped renewing (its process died) come free by themselves; a holder that keeps
// renewing keeps its slot past the lease's life.
import { pino } from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createRedisConnection, type RedisConnection } from '../../../src/store/redis/connection.js';
import { redisSlots } from '../../../src/store/redis/slots.js';
import type { SharedSlots } from '../../../src/store/types.js';
import { dropKeys, randomPrefix, redisAvailable, testRedisUrl } from '../../helpers/redis.js';
import { waitFor } from '../../helpers/wait.js';

const log = pino({ level: 'silent' });
const enabled = await redisAvailable();
const LEASE_MS = 1_500;

describe.runIf(enabled)('redis slots', () => {
  const prefix = randomPrefix();
  const opened: { connection: RedisConnection; slots: SharedSlots }[] = [];

  async function aProcess(backendSlots = 1): Promise<SharedSlots> {
    const connection = createRedisConnection({ url: testRedisUrl, commandTimeoutMs: 2_000, log });
    await connection.ready(2_000);
    const slots = redisSlots(connection, prefix, log, LEASE_MS);
    await slots.configure('gpu', backendSlots);
    opened.push({ connection, slots });
    return slots;
  }
  const lease = (jobId: string) => ({ jobId, scenario: 's', at: Date.now() });

  afterEach(async () => {
    for (const { connection, slots } of opened.splice(0)) {
      slots.stop();
      await connection.close();
    }
    await dropKeys(prefix);
  });
  afterAll(() => dropKeys(prefix));

  it('of many racing acquires on two processes for two slots, exactly two win', async () => {
    const [a, b] = await Promise.all([aProcess(2), aProcess(2)]);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).tryAcquire('gpu', lease(`job-${i}`))));
    expect(results.filter(Boolean)).toHaveLength(2);
    expect((await a.usage('gpu'))?.free).toBe(0);
  });

  it('a released slot is free for the other process; the lease comes back with its details', async () => {
    const [a, b] = await Promise.all([aProcess(), aProcess()]);
    expect(await a.tryAcquire('gpu', lease('one'))).toBe(true);
    await a.markRunning('gpu', 'one', 5);
    expect((await b.usage('gpu'))?.running).toBe(1);
    expect(await b.tryAcquire('gpu', lease('two'))).toBe(false);
    expect(await a.release('gpu', 'one')).toMatchObject({ jobId: 'one', state: 'running', startedAt: 5 });
    expect(await b.tryAcquire('gpu', lease('two'))).toBe(true);
  });

  it('a draining backend takes nothing, from either process', async () => {
    const [a, b] = await Promise.all([aProcess(), aProcess()]);
    await a.setDraining('gpu', true);
    expect(await b.tryAcquire('gpu', lease('one'))).toBe(false);
    expect((await b.usage('gpu'))?.draining).toBe(true);
    await a.setDraining('gpu', false);
    expect(await b.tryAcquire('gpu', lease('one'))).toBe(true);
  });

  it('a holder that stops renewing loses its slot once the lease ends; one that renews keeps it', async () => {
    const [dead, alive, other] = await Promise.all([aProcess(), aProcess(), aProcess()]);
    await alive.configure('cpu', 1);
    await other.configure('cpu', 1);
    // Alive takes its slot first, so its first lease has ended by the time the dead one's has.
    expect(await alive.tryAcquire('cpu', lease('alive-job'))).toBe(true);
    expect(await dead.tryAcquire('gpu', lease('dead-job'))).toBe(true);
    dead.stop();
    // The dead process's slot comes free by itself.
    await waitFor('the dead holder\'s slot', () => other.tryAcquire('gpu', lease('after-dead')), 10_000);
    // By then more than a lease's life has passed since `alive` took its slot: renewed, it is still held.
    expect(await other.tryAcquire('cpu', lease('steal'))).toBe(false);
  });
});

describe.runIf(enabled)('redis slots kept by an adopter', () => {
  const prefix = randomPrefix();
  afterAll(() => dropKeys(prefix));

  it('the adopter renews a dead holder\'s lease, past its life, and its release frees the slot', async () => {
    const connections = await Promise.all(
      [0, 1, 2].map(async () => {
        const connection = createRedisConnection({ url: testRedisUrl, commandTimeoutMs: 2_000, log });
        await connection.ready(2_000);
        return connection;
      }),
    );
    const [dead, adopter, other] = connections.map((connection) => redisSlots(connection, prefix, log, LEASE_MS));
    try {
      for (const slots of [dead!, adopter!, other!]) await slots.configure('gpu', 1);
      const leaseOf = (jobId: string) => ({ jobId, scenario: 's', at: Date.now() });
      expect(await dead!.tryAcquire('gpu', leaseOf('running'))).toBe(true);
      await dead!.markRunning('gpu', 'running', 7);
      dead!.stop();
      await adopter!.keep('gpu', leaseOf('running'));
      // Three lease lives later the slot is still taken: the adopter renews it, and its details stayed.
      const until = Date.now() + 3 * LEASE_MS;
      while (Date.now() < until) {
        expect(await other!.tryAcquire('gpu', leaseOf('intruder'))).toBe(false);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect((await other!.usage('gpu'))?.leases).toMatchObject([{ jobId: 'running', state: 'running', startedAt: 7 }]);
      await adopter!.release('gpu', 'running');
      expect(await other!.tryAcquire('gpu', leaseOf('next'))).toBe(true);
    } finally {
      for (const slots of [dead!, adopter!, other!]) slots.stop();
      await Promise.all(connections.map((connection) => connection.close()));
    }
  });

  it('a lapsed lease is taken again, even past the slot count: the job is on the backend', async () => {
    const connection = createRedisConnection({ url: testRedisUrl, commandTimeoutMs: 2_000, log });
    await connection.ready(2_000);
    const slots = redisSlots(connection, prefix, log, LEASE_MS);
    try {
      await slots.configure('cpu', 1);
      expect(await slots.tryAcquire('cpu', { jobId: 'new', scenario: 's', at: 1 })).toBe(true);
      await slots.keep('cpu', { jobId: 'adopted', scenario: 's', at: 2 });
      const usage = await slots.usage('cpu');
      expect(usage?.leases.map((lease) => lease.jobId).sort()).toEqual(['adopted', 'new']);
      expect(usage?.free).toBe(0);
    } finally {
      slots.stop();
      await connection.close();
    }
  });
});
