// The queue (heap order, clear/delete touch pending only), /interrupt, and /history paging.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.js';
import { WsClient, emptySave, history, postJson, remaining, request, startTestSim, submit, text2img, waitHistory } from './harness.js';

type Item = [number, string, unknown, Record<string, unknown>, string[]];

describe('queue and interrupt', () => {
  let sim: Simulator;
  let ws: WsClient;
  let unique = 0;
  /** A quick prompt that is never served from the cache (its colour is new each time). */
  const quick = (): Record<string, unknown> => emptySave(`q${++unique}`, { color: 1000 + unique });

  beforeAll(async () => {
    sim = await startTestSim();
    ws = await WsClient.open(sim.url, '?clientId=q');
  });
  afterAll(async () => {
    await ws.close();
    await sim.close();
  });
  beforeEach(() => {
    sim.faults.stepMs = 20;
  });

  /**
   * Starts a prompt that runs until interrupted (a 10 000-step KSampler; the interrupt is checked between
   * steps), so the queue can be inspected while it runs without racing the clock.
   */
  async function startBlocker(): Promise<string> {
    const id = await submit(sim, text2img(++unique, 10_000, 64), { client_id: 'q' });
    await ws.waitFor((f) => f.type === 'progress' && f.data.prompt_id === id);
    return id;
  }

  async function stopBlocker(id: string): Promise<void> {
    await postJson(sim.url, '/interrupt', { prompt_id: id });
    await ws.waitDone(id);
  }

  it('lists pending items as 5-element arrays in heap array order', async () => {
    const blocker = await startBlocker();
    for (const [n, id] of [[5, 'a'], [3, 'b'], [-1, 'c'], [4, 'd'], [3, 'a'], [0, 'e'], [2, 'f']] as const) {
      expect((await postJson(sim.url, '/prompt', { prompt: quick(), number: n, prompt_id: id })).status).toBe(200);
    }
    const q = (await request(sim.url, '/queue')).json() as { queue_running: Item[]; queue_pending: Item[] };
    expect(q.queue_running.map((i) => i[1])).toEqual([blocker]);
    expect(q.queue_running[0]).toHaveLength(5);
    // heapq's array after the same pushes (CPython 3.11).
    expect(q.queue_pending.map((i) => [i[0], i[1]])).toEqual([[-1, 'c'], [3, 'a'], [0, 'e'], [5, 'a'], [4, 'd'], [3, 'b'], [2, 'f']]);
    expect((await request(sim.url, '/prompt')).json()).toEqual({ exec_info: { queue_remaining: 8 } });

    const statusBefore = ws.frames.filter((f) => f.type === 'status').length;
    expect((await postJson(sim.url, '/queue', { delete: ['e', 'nope'] })).status).toBe(200);
    const after = (await request(sim.url, '/queue')).json() as { queue_pending: Item[] };
    expect(after.queue_pending.map((i) => [i[0], i[1]])).toEqual([[-1, 'c'], [3, 'a'], [2, 'f'], [4, 'd'], [3, 'b'], [5, 'a']]);
    await ws.waitCount(statusBefore + 1, (f) => f.type === 'status', 'a status for the delete');

    const clear = await postJson(sim.url, '/queue', { clear: true });
    expect([clear.status, clear.body.length, clear.headers['content-type']]).toEqual([200, 0, 'application/octet-stream']);
    const cleared = (await request(sim.url, '/queue')).json() as { queue_running: Item[]; queue_pending: Item[] };
    expect(cleared.queue_pending).toEqual([]);
    expect(cleared.queue_running.map((i) => i[1])).toEqual([blocker]);
    await stopBlocker(blocker);
    expect(await history(sim, 'e')).toEqual({});
  });

  it('runs the lowest number first: front jumps ahead, most recent front first', async () => {
    const blocker = await startBlocker();
    const a = await submit(sim, quick(), { client_id: 'q' });
    const b = await submit(sim, quick(), { client_id: 'q', front: true });
    const c = await submit(sim, quick(), { client_id: 'q', front: true });
    await stopBlocker(blocker);
    await ws.waitDone(a);
    const starts = ws.frames.filter((f) => f.type === 'execution_start').map((f) => f.data.prompt_id);
    expect(starts.slice(-4)).toEqual([blocker, c, b, a]);
  });

  it('interrupts only the running prompt named, at the next node boundary', async () => {
    const running = await startBlocker();
    const pending = await submit(sim, quick(), { client_id: 'q' });
    await postJson(sim.url, '/interrupt', { prompt_id: pending });
    await postJson(sim.url, '/interrupt', { prompt_id: running });
    const interrupted = await ws.waitFor((f) => f.type === 'execution_interrupted' && f.data.prompt_id === running);
    expect(interrupted.data).toMatchObject({ node_id: '3', node_type: 'KSampler' });
    expect(interrupted.data.executed).toEqual(expect.arrayContaining(['4', '5', '6', '7']));
    await ws.waitDone(pending);
    expect((await history(sim, running)).status).toMatchObject({ status_str: 'error', completed: false });
    expect((await history(sim, pending)).status).toMatchObject({ status_str: 'success', completed: true });
  });

  it('a global interrupt (no body) stops the running prompt; one sent while idle is forgotten', async () => {
    const running = await startBlocker();
    const r = await request(sim.url, '/interrupt', { method: 'POST' });
    expect([r.status, r.body.length]).toEqual([200, 0]);
    await ws.waitDone(running);
    expect((await history(sim, running)).status?.status_str).toBe('error');

    await request(sim.url, '/interrupt', { method: 'POST', body: '{}' });
    const next = await submit(sim, quick(), { client_id: 'q' });
    await ws.waitDone(next);
    expect((await history(sim, next)).status?.status_str).toBe('success');
  });

  it('checks the interrupt between KSampler steps', async () => {
    {
      const from = ws.frames.length;
      const id = await submit(sim, text2img(3, 50, 64), { client_id: 'q' });
      await ws.waitFor((f) => f.type === 'progress' && f.data.prompt_id === id, { from });
      await request(sim.url, '/interrupt', { method: 'POST' });
      const stop = await ws.waitFor((f) => f.type === 'execution_interrupted' && f.data.prompt_id === id, { from });
      expect(stop.data.node_id).toBe('3');
      expect(ws.frames.slice(from).filter((f) => f.type === 'progress').length).toBeLessThan(50);
      await ws.waitDone(id);
    }
  });

  it('pages history with max_items and offset, deletes and clears it', async () => {
    await postJson(sim.url, '/history', { clear: true });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const id = await submit(sim, quick(), { client_id: 'q' });
      await ws.waitDone(id);
      ids.push(id);
    }
    const keys = async (query: string): Promise<string[]> => Object.keys((await request(sim.url, `/history${query}`)).json() as object);
    expect(await keys('')).toEqual(ids);
    expect(await keys('?max_items=2')).toEqual(ids.slice(1));
    expect(await keys('?max_items=1&offset=0')).toEqual(ids.slice(0, 1));
    expect(await keys('?offset=1')).toEqual(ids.slice(1));
    expect(await keys('?offset=5')).toEqual([]);
    expect((await request(sim.url, '/history?max_items=x')).status).toBe(500);
    await postJson(sim.url, '/history', { delete: [ids[0], 'unknown'] });
    expect(await keys('')).toEqual(ids.slice(1));
    await postJson(sim.url, '/history', { clear: true });
    expect(await keys('')).toEqual([]);
  });

  it('broadcasts status on every queue change, and counts running + pending', async () => {
    const other = await WsClient.open(sim.url, '?clientId=q2');
    try {
      const blocker = await startBlocker();
      await other.waitCount(3, (f) => f.type === 'status');
      const id = await submit(sim, quick());
      await other.waitFor((f) => f.type === 'status' && remaining(f.data) === 2);
      await stopBlocker(blocker);
      await waitHistory(sim, id);
      await other.waitFor((f) => f.type === 'status' && remaining(f.data) === 0, { from: 3 });
    } finally {
      await other.close();
    }
  });
});
