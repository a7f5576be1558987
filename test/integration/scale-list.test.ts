// The job list and its stream across two real gateway processes on one real Redis: a job submitted through A is
// listed through B for its caller and for an admin key, never for another caller, and B's jobs stream (the console's
// jobs page) shows A's job as it runs and ends. Wrong API keys spread over A and B reach one lockout. Running jobs
// are held by the simulator's run time and ended by an interrupt, so nothing here waits on time.
import { startSimulator, type Simulator } from 'comfyui-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisAvailable, testRedisUrl } from '../helpers/redis.js';
import { openSse, type SseStream } from '../helpers/sse.js';
import { call, startTwoGateways, type TwoGateways } from '../helpers/two-gateways.js';
import { refusedStatus } from '../helpers/ws-client.js';
import { emptyImageWorkflow } from '../helpers/workflows.js';

const ALICE = { 'x-api-key': 'alice-key-0123456789' };
const BOB = { 'x-api-key': 'bob-key-0123456789ab' };
const OPS = { 'x-api-key': 'ops-key-0123456789abc' };
const apiKeys = [
  { key: ALICE['x-api-key'], name: 'alice' },
  { key: BOB['x-api-key'], name: 'bob' },
  { key: OPS['x-api-key'], name: 'ops', role: 'admin' },
];

interface Listed {
  prompt_id: string;
  status: string;
  caller: string | null;
}

const enabled = await redisAvailable();
if (!enabled) console.warn(`Redis does not answer at ${testRedisUrl}: the cross-process list tests are skipped`);

describe.runIf(enabled)('the job list of every process', { timeout: 60_000 }, () => {
  let sim: Simulator;
  let pair: TwoGateways;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, host: '127.0.0.1', stepMs: 1 });
    pair = await startTwoGateways({ comfyui: { url: sim.url }, auth: { api_keys: apiKeys } });
  }, 60_000);
  afterAll(async () => {
    await pair?.stop();
    await sim?.close();
  });

  async function listed(gw: TwoGateways['a'], query: string, headers: Record<string, string>): Promise<Listed[]> {
    const answer = await call(gw, 'GET', `/api/v1/jobs${query}`, undefined, headers);
    expect(answer.status).toBe(200);
    return answer.json.data!.jobs as Listed[];
  }
  async function submit(gw: TwoGateways['a'], name: string, headers: Record<string, string>, wait = true): Promise<string> {
    const answer = await call(gw, 'POST', `/api/v1/workflows/submit${wait ? '?wait=true' : ''}`, { workflow: emptyImageWorkflow(name, 3) }, headers);
    expect(answer.status).toBe(200);
    return String(answer.json.data!.prompt_id);
  }
  const ids = (jobs: Listed[]) => jobs.map((job) => job.prompt_id);

  it('lists a job of A through B for its caller and for an admin, never for another caller', async () => {
    const alices = await submit(pair.a, 'list-alice', ALICE);
    const bobs = await submit(pair.b, 'list-bob', BOB);

    const alicesOnB = await listed(pair.b, '', ALICE);
    expect(ids(alicesOnB)).toContain(alices);
    expect(ids(alicesOnB)).not.toContain(bobs);
    expect(alicesOnB.find((job) => job.prompt_id === alices)).toMatchObject({ status: 'succeeded', caller: 'alice' });
    expect(ids(await listed(pair.a, '', BOB))).toEqual([bobs]);
    // A caller naming another caller lists nothing of theirs.
    expect(await listed(pair.a, '?caller=bob', ALICE)).toEqual([]);

    // The admin key sees both, newest first, through either process; filters and limit as on one process.
    for (const gw of [pair.a, pair.b]) {
      expect(ids(await listed(gw, '', OPS)).slice(0, 2)).toEqual([bobs, alices]);
      expect(ids(await listed(gw, '?caller=alice', OPS))).toEqual([alices]);
      expect(ids(await listed(gw, '?limit=1', OPS))).toEqual([bobs]);
    }
    expect(await listed(pair.b, '?caller=bob&status=failed', OPS)).toEqual([]);
    expect(ids(await listed(pair.b, '?caller=bob&status=succeeded', OPS))).toEqual([bobs]);
  });

  it("B's jobs stream shows A's job as it runs and ends, to its caller and an admin only", async () => {
    const streams: SseStream[] = [];
    const open = async (path: string, headers: Record<string, string>) => {
      const stream = await openSse(`${pair.b.url}${path}`, headers);
      streams.push(stream);
      expect(stream.status).toBe(200);
      await stream.until((event) => event.event === 'jobs');
      return stream;
    };
    const alice = await open('/api/v1/jobs/stream', ALICE);
    const running = await open('/api/v1/jobs/stream?status=running', OPS);
    const bob = await open('/api/v1/jobs/stream', BOB);
    const about = (id: string, status?: string) => (event: { event: string; data: Record<string, unknown> }) =>
      event.event === 'job' && event.data.prompt_id === id && (status === undefined || event.data.status === status);
    // Runs until interrupted (the simulator sleeps its run time in slices an interrupt ends).
    sim.faults.runMs = 60_000;
    try {
      const id = await submit(pair.a, 'list-live', ALICE, false);
      expect((await alice.until(about(id))).data).toMatchObject({ caller: 'alice' });
      await alice.until(about(id, 'running'));
      await running.until(about(id, 'running'));

      const stopped = await call(pair.a, 'POST', '/api/v1/workflows/interrupt', { prompt_id: id }, ALICE);
      expect(stopped.json.data).toMatchObject({ action: 'interrupted' });
      await alice.until(about(id, 'interrupted'));
      // It left the admin's filter: the filtered stream says so.
      await running.until((event) => event.event === 'gone' && event.data.prompt_id === id);
      sim.faults.runMs = null;

      // Bob's own job, submitted after Alice's ended, reaches his stream after everything about hers would have.
      const bobs = await submit(pair.a, 'list-bob-live', BOB);
      await bob.until(about(bobs, 'succeeded'));
      const seenByBob = bob.events.flatMap((event) => (Array.isArray(event.data) ? (event.data as Listed[]) : [event.data as unknown as Listed]));
      expect(seenByBob.map((job) => job.prompt_id)).not.toContain(id);
      expect(new Set(seenByBob.map((job) => job.caller))).toEqual(new Set(['bob']));
    } finally {
      sim.faults.runMs = null;
      for (const stream of streams) stream.close();
    }
  });
});

describe.runIf(enabled)('wrong API keys counted across processes', { timeout: 60_000 }, () => {
  let sim: Simulator;
  let pair: TwoGateways;
  const ATTEMPTS = 4;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, host: '127.0.0.1' });
    pair = await startTwoGateways({
      comfyui: { url: sim.url },
      auth: { api_keys: apiKeys },
      limits: { failed_auth_attempts: ATTEMPTS, failed_auth_window_s: 600 },
    });
  }, 60_000);
  afterAll(async () => {
    await pair?.stop();
    await sim?.close();
  });

  it('guesses spread over A and B reach the lockout of one process; then every key is refused on both', async () => {
    expect((await call(pair.b, 'GET', '/api/v1/jobs', undefined, ALICE)).status).toBe(200);
    // Half the guesses on each process: counted per process, neither would lock.
    for (let i = 0; i < ATTEMPTS; i++) {
      const guess = await call(i % 2 ? pair.a : pair.b, 'GET', '/api/v1/jobs', undefined, { 'x-api-key': `wrong-key-${i}-0123456789` });
      expect(guess.status).toBe(401);
    }
    for (const gw of [pair.a, pair.b]) {
      const refused = await call(gw, 'GET', '/api/v1/jobs', undefined, ALICE);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    const socket = await refusedStatus(`${pair.a.url.replace(/^http/, 'ws')}/api/v1/ws/locked`, ALICE);
    expect(socket.status).toBe(429);
  });
});
