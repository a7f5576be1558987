// Adoption as two processes see it on one Redis: the liveness of each, the open jobs it writes, and the upstream
// client id kept beside them. When one stops beating, exactly one other process gets its open jobs and its client id
// (the id the adopter opens its backend streams under), and the jobs it held in its queue become the adopter's, so
// the dead one, were it only frozen, would not send them; it is forgotten, client id included.
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../../src/jobs/tracker.js';
import { adoptionKeys, startAdoption } from '../../../src/store/redis/adoption.js';
import { createRedisConnection, type RedisConnection } from '../../../src/store/redis/connection.js';
import { redisQueue } from '../../../src/store/redis/queue.js';
import type { HeldJob } from '../../../src/pool/held-job.js';
import type { Orphans } from '../../../src/store/types.js';
import { dropKeys, randomPrefix, redisAvailable, testRedisUrl } from '../../helpers/redis.js';
import { waitFor } from '../../helpers/wait.js';

const log = pino({ level: 'silent' });
const enabled = await redisAvailable();
const ALIVE_MS = 600;

describe.runIf(enabled)('redis adoption', () => {
  const prefix = randomPrefix();
  const connections: RedisConnection[] = [];
  const stops: (() => void)[] = [];

  async function connect(): Promise<RedisConnection> {
    const connection = createRedisConnection({ url: testRedisUrl, commandTimeoutMs: 2_000, log });
    await connection.ready(2_000);
    connections.push(connection);
    return connection;
  }
  afterAll(async () => {
    for (const stop of stops) stop();
    await Promise.all(connections.map((connection) => connection.close()));
    await dropKeys(prefix);
  });

  it('hands a dead process its open jobs and upstream client id, to exactly one survivor, once', async () => {
    const [dying, one, two] = await Promise.all([connect(), connect(), connect()]);
    const job: JobRecord = { promptId: 'p-1', clientId: 'c', scenario: undefined, submittedAt: 1, number: undefined, status: 'running', outputs: [], backend: 'gpu' };
    await dying.client.multi().set(`${prefix}job:p-1`, JSON.stringify(job)).sadd(adoptionKeys(prefix).openOf('dying'), 'p-1').exec();
    const dyingQueue = redisQueue(dying, prefix, { ttlMs: 60_000, holder: 'gateway-dying' });
    const waiting: HeldJob = {
      queued: { id: 'p-1', caller: '', priority: 0, enqueuedAt: 1, requirements: { classTypes: [], values: [] } },
      workflow: {},
      extraData: {},
      scenario: 's',
      checkpoint: undefined,
    };
    dyingQueue.hold(waiting);
    await waitFor('the waiting job to be held', () => dyingQueue.owns('p-1').then(async (mine) => mine && (await dyingQueue.read(['p-1'])).size === 1));
    const stopDying = startAdoption({ connection: dying, prefix, self: 'dying', upstreamClientId: 'gateway-dying', adopt: () => undefined, log, aliveMs: ALIVE_MS });
    await waitFor('the client id to be kept', async () => (await dying.client.get(`${prefix}upstream:dying`)) === 'gateway-dying');

    const adopted: Orphans[] = [];
    for (const [connection, self] of [[one, 'one'], [two, 'two']] as const) {
      stops.push(startAdoption({ connection, prefix, self, upstreamClientId: `gateway-${self}`, adopt: (orphans) => adopted.push(orphans), log, aliveMs: ALIVE_MS }));
    }
    // Alive: nobody takes its jobs.
    expect(adopted).toEqual([]);
    stopDying();
    await waitFor('a survivor to adopt the dead process', () => adopted.length > 0);
    expect(adopted).toHaveLength(1);
    expect(adopted[0]).toMatchObject({ process: 'dying', upstreamClientId: 'gateway-dying', jobs: [JSON.parse(JSON.stringify(job))] });
    expect(await one.client.exists(`${prefix}upstream:dying`, adoptionKeys(prefix).openOf('dying'))).toBe(0);
    expect(await one.client.sismember(`${prefix}processes`, 'dying')).toBe(0);
    expect(await dyingQueue.owns('p-1')).toBe(false);
    const adopter = adopted[0] && (await one.client.hget(`${prefix}held:p-1`, 'holder'));
    expect(['gateway-one', 'gateway-two']).toContain(adopter);

    // It was only frozen: back, its first beat tells it which of its jobs are another's now, once.
    const lost: string[][] = [];
    stops.push(startAdoption({ connection: dying, prefix, self: 'dying', adopt: () => undefined, adopted: (ids) => lost.push(ids), log, aliveMs: ALIVE_MS }));
    await waitFor('the revived process to hear what it lost', () => lost.length > 0);
    expect(lost).toEqual([['p-1']]);
    expect(await one.client.exists(`${prefix}taken:dying`)).toBe(0);
    // Forgotten: no later round can hand it out again. The survivors keep their own client ids for whoever outlives them.
    expect(await one.client.mget(`${prefix}upstream:one`, `${prefix}upstream:two`)).toEqual(['gateway-one', 'gateway-two']);
  });
});
