// The job list index in a real Redis, as two processes see it (two stores on two connections): what one process's
// writer publishes, the other lists, newest first, per owner and for all, cut to the latest `listed`; a record that
// expired is skipped; the other process hears every change, silent ones included.
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../../src/jobs/tracker.js';
import { createRedisStore, type RedisStore } from '../../../src/store/redis/store.js';
import type { SharedJobs } from '../../../src/store/types.js';
import { dropKeys, randomPrefix, redisAvailable, testRedisUrl } from '../../helpers/redis.js';
import { waitFor } from '../../helpers/wait.js';

const enabled = await redisAvailable();
if (!enabled) console.warn(`no Redis at ${testRedisUrl}: the job list index tests are skipped`);

function job(promptId: string, owner: string | undefined, submittedAt: number, status: JobRecord['status'] = 'queued'): JobRecord {
  return { promptId, owner, clientId: undefined, scenario: 's', submittedAt, number: undefined, status, outputs: [] } as JobRecord;
}

describe.runIf(enabled)('the job list index in Redis', () => {
  const prefix = randomPrefix();
  const stores: RedisStore[] = [];
  const shared: SharedJobs[] = [];
  const log = pino({ level: 'silent' });

  async function process(listed: number, ttlMs = 60_000): Promise<SharedJobs> {
    const store = createRedisStore({ url: testRedisUrl, keyPrefix: prefix, commandTimeoutMs: 2_000, log });
    stores.push(store);
    if (!(await store.connection.ready(5_000))) throw new Error('no Redis');
    const jobs = store.jobs!({ ttlMs, listed });
    shared.push(jobs);
    return jobs;
  }
  afterAll(async () => {
    await Promise.all(shared.map((jobs) => jobs.close()));
    await Promise.all(stores.map((store) => store.close()));
    await dropKeys(prefix);
  });
  const ids = (page: { jobs: JobRecord[] }) => page.jobs.map((item) => item.promptId);

  it("lists the other process's jobs, newest first, per owner, in pages, cut to the latest", async () => {
    const [a, b] = [await process(3), await process(3)];
    const heard: string[] = [];
    b.onChange((changed) => heard.push(`${changed.promptId}:${changed.status}`));
    // B's subscription is made in the background: a probe, oldest of all, until B hears it.
    await waitFor('B to subscribe', () => {
      a.publish(job('probe', 'probe', 0));
      return heard.length > 0;
    });
    heard.length = 0;
    a.publish(job('p1', 'alice', 1));
    a.publish(job('p2', 'bob', 2));
    a.publish(job('p3', 'alice', 3));
    // A progress event does not touch the index; the end does.
    a.publish(job('p3', 'alice', 3, 'running'), { type: 'progress', data: { prompt_id: 'p3', value: 1, max: 2 } });
    a.publish(job('p4', undefined, 4));
    await waitFor('B to hear every change', () => heard.filter((entry) => !entry.startsWith('probe')).length === 5);
    heard.splice(0, heard.lastIndexOf('probe:queued') + 1);
    expect(heard).toEqual(['p1:queued', 'p2:queued', 'p3:queued', 'p3:running', 'p4:queued']);

    // The latest 3 of all; alice's own index still has both of hers.
    expect(ids(await b.recent(undefined, 0, 10))).toEqual(['p4', 'p3', 'p2']);
    expect(ids(await b.recent('alice', 0, 10))).toEqual(['p3', 'p1']);
    expect(await b.recent('carol', 0, 10)).toEqual({ jobs: [], more: false });
    const first = await b.recent(undefined, 0, 2);
    expect(ids(first)).toEqual(['p4', 'p3']);
    expect(first.more).toBe(true);
    expect(first.jobs[1]).toMatchObject({ status: 'running' });
    expect(ids(await b.recent(undefined, 2, 2))).toEqual(['p2']);
  });

  it('skips a job whose record expired', async () => {
    const [a, b] = [await process(10, 200), await process(10, 200)];
    a.publish(job('short', 'dora', 10));
    await waitFor('the job to be listed', async () => ids(await b.recent('dora', 0, 10)).includes('short'));
    await waitFor('the record to expire', async () => (await b.recent('dora', 0, 10)).jobs.length === 0);
  });
});
