// Two real gateway processes on one real Redis in front of one simulator: a job submitted through A is followed
// through B (job document, SSE, `?wait=true`, WebSocket events of the caller's client id, downloads), and B keeps
// callers apart.
// The running job is held by the simulator's run time and ended by an interrupt through A, so nothing here waits on time.
import { startSimulator, type Simulator } from 'comfyui-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisAvailable, testRedisUrl } from '../helpers/redis.js';
import { openSse } from '../helpers/sse.js';
import { call, startTwoGateways, type TwoGateways } from '../helpers/two-gateways.js';
import { openSocket } from '../helpers/ws-client.js';
import { emptyImageWorkflow } from '../helpers/workflows.js';

const ALICE = { 'x-api-key': 'alice-key-0123456789' };
const BOB = { 'x-api-key': 'bob-key-0123456789ab' };

const enabled = await redisAvailable();
if (!enabled) console.warn(`Redis does not answer at ${testRedisUrl}: the cross-process job tests are skipped`);

describe.runIf(enabled)('a job submitted through one process, followed through another', { timeout: 60_000 }, () => {
  let sim: Simulator;
  let pair: TwoGateways;
  let a: TwoGateways['a'];
  let b: TwoGateways['b'];

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, host: '127.0.0.1', stepMs: 1 });
    pair = await startTwoGateways({
      comfyui: { url: sim.url },
      auth: { api_keys: [{ key: ALICE['x-api-key'], name: 'alice' }, { key: BOB['x-api-key'], name: 'bob' }] },
    });
    ({ a, b } = pair);
  }, 60_000);
  afterAll(async () => {
    await pair?.stop();
    await sim?.close();
  });

  it('B answers the job document, history and downloads of a finished job A ran; another caller gets 404', async () => {
    const submitted = await call(a, 'POST', '/api/v1/workflows/submit?wait=true', { workflow: emptyImageWorkflow('scale-follow', 7) }, ALICE);
    expect(submitted.status).toBe(200);
    const id = String(submitted.json.data!.prompt_id);
    expect(submitted.json.data!.status).toBe('succeeded');

    const job = await call(b, 'GET', `/api/v1/jobs/${id}`, undefined, ALICE);
    expect(job.status).toBe(200);
    expect(job.json.data).toMatchObject({ prompt_id: id, status: 'succeeded' });
    const outputs = job.json.data!.outputs as { url: string }[];
    expect(outputs).toHaveLength(1);
    const image = await fetch(outputs[0]!.url.replace(a.url, b.url), { headers: ALICE });
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toContain('image/');

    const events = await openSse(`${b.url}/api/v1/jobs/${id}/events`, ALICE);
    expect(events.status).toBe(200);
    const state = await events.until((event) => event.event === 'state');
    expect(state.data).toMatchObject({ prompt_id: id, status: 'succeeded' });
    const end = await events.until((event) => event.event === 'end');
    expect(end.data).toMatchObject({ prompt_id: id, status: 'succeeded' });
    events.close();

    expect((await call(b, 'GET', `/api/v1/workflows/${id}/history`, undefined, ALICE)).status).toBe(200);
    const foreign = await call(b, 'GET', `/api/v1/jobs/${id}`, undefined, BOB);
    expect(foreign.status).toBe(404);
    expect(foreign.json.code).toBe(404);
    expect((await fetch(`${b.url}/api/v1/jobs/${id}/events`, { headers: BOB })).status).toBe(404);
  });

  it("a running job's events reach B's WebSocket and SSE stream as A relays them, up to its end", async () => {
    const socket = await openSocket(`${b.url.replace(/^http/, 'ws')}/api/v1/ws/follower`, ALICE);
    // Bob's socket under the same client_id must hear nothing of Alice's job.
    const bobSocket = await openSocket(`${b.url.replace(/^http/, 'ws')}/api/v1/ws/follower`, BOB);
    // A run of a minute (slept in slices that an interrupt ends) holds the job running until the interrupt below.
    sim.faults.runMs = 60_000;
    try {
      const submitted = await call(a, 'POST', '/api/v1/workflows/submit', { workflow: emptyImageWorkflow('scale-live', 11), client_id: 'follower' }, ALICE);
      expect(submitted.status).toBe(200);
      const id = String(submitted.json.data!.prompt_id);

      await socket.until((m) => m.type === 'execution_start' && m.data?.prompt_id === id, 20_000);
      const running = await call(b, 'GET', `/api/v1/jobs/${id}`, undefined, ALICE);
      expect(running.json.data).toMatchObject({ prompt_id: id, status: 'running' });
      expect((await call(b, 'GET', `/api/v1/jobs/${id}`, undefined, BOB)).status).toBe(404);

      const events = await openSse(`${b.url}/api/v1/jobs/${id}/events`, ALICE);
      const state = await events.until((event) => event.event === 'state');
      expect(state.data).toMatchObject({ prompt_id: id, status: 'running' });
      // B waits for A's job: bounded by its timeout, it answers the job as it is then (still running).
      const early = await call(b, 'GET', `/api/v1/jobs/${id}?wait=true&timeout=0.2`, undefined, ALICE);
      expect(early.status).toBe(200);
      expect(early.json.data).toMatchObject({ prompt_id: id, status: 'running' });
      // Another caller waits for nothing: the same 404 as without wait.
      expect((await call(b, 'GET', `/api/v1/jobs/${id}?wait=true&timeout=5`, undefined, BOB)).status).toBe(404);
      const waiting = call(b, 'GET', `/api/v1/jobs/${id}?wait=true&timeout=60`, undefined, ALICE);

      const stopped = await call(a, 'POST', '/api/v1/workflows/interrupt', { prompt_id: id }, ALICE);
      expect(stopped.json.data).toMatchObject({ action: 'interrupted' });

      const end = await events.until((event) => event.event === 'end');
      expect(events.events.map((frame) => frame.event)).toContain('execution_interrupted');
      expect(end.data).toMatchObject({ prompt_id: id, status: 'interrupted' });
      // The wait on B answers with the end A saw.
      const waited = await waiting;
      expect(waited.status).toBe(200);
      expect(waited.json.data).toMatchObject({ prompt_id: id, status: 'interrupted' });
      await socket.until((m) => m.type === 'execution_interrupted' && m.data?.prompt_id === id, 20_000);
      events.close();

      const after = await call(b, 'GET', `/api/v1/jobs/${id}`, undefined, ALICE);
      expect(after.json.data).toMatchObject({ prompt_id: id, status: 'interrupted' });
      expect(bobSocket.received.filter((m) => m.data?.prompt_id === id)).toEqual([]);
    } finally {
      sim.faults.runMs = null;
      await Promise.all([socket.close(), bobSocket.close()]);
    }
  });
});
