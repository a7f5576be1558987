// Fault switches (programmatic and over HTTP) and restart().
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.js';
import { WsClient, emptySave, history, invertChain, postJson, request, startTestSim, submit, testPng, text2img, upload } from './harness.js';

describe('fault switches', () => {
  let sim: Simulator;
  let ws: WsClient;
  beforeAll(async () => {
    sim = await startTestSim();
    await upload(sim, 'test_input.png', await testPng());
    ws = await WsClient.open(sim.url, '?clientId=f');
  });
  afterAll(async () => {
    await ws.close();
    await sim.close();
  });

  it('stepMs sets the KSampler time per step', async () => {
    sim.faults.stepMs = 40;
    try {
      const started = Date.now();
      const id = await submit(sim, text2img(11, 5, 64), { client_id: 'f' });
      await ws.waitDone(id);
      expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    } finally {
      sim.faults.stepMs = 1;
    }
  });

  it('nodeDelayMs slows one class down', async () => {
    sim.faults.nodeDelayMs = { ImageInvert: 150 };
    try {
      const started = Date.now();
      const id = await submit(sim, invertChain('test_input.png', 'slowinv'), { client_id: 'f' });
      await ws.waitDone(id);
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    } finally {
      sim.faults.nodeDelayMs = {};
    }
  });

  it('failNode makes a class raise at run time (execution_error)', async () => {
    sim.faults.failNode = 'ImageInvert';
    try {
      const from = ws.frames.length;
      // A fresh input: a cached ImageInvert would not run, so it could not fail.
      const id = await submit(sim, {
        '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 77 } },
        '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
        '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'failing' } },
      }, { client_id: 'f' });
      await ws.waitDone(id);
      const err = ws.frames.slice(from).find((f) => f.type === 'execution_error');
      expect(err?.data).toMatchObject({ node_id: '2', node_type: 'ImageInvert', exception_type: 'RuntimeError', executed: ['1'] });
      expect((await history(sim, id)).status?.status_str).toBe('error');
    } finally {
      sim.faults.failNode = null;
    }
  });

  it('httpDelayMs delays every answer', async () => {
    sim.faults.httpDelayMs = 120;
    try {
      const started = Date.now();
      expect((await request(sim.url, '/queue')).status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(120);
    } finally {
      sim.faults.httpDelayMs = 0;
    }
  });

  it('garbage answers 200 with a body that is not JSON; text500 answers aiohttp’s 500', async () => {
    sim.faults.garbage = true;
    const g = await request(sim.url, '/prompt');
    sim.faults.garbage = false;
    expect(g.status).toBe(200);
    expect(() => g.json()).toThrow();

    sim.faults.text500 = true;
    const e = await postJson(sim.url, '/prompt', { prompt: emptySave() });
    sim.faults.text500 = false;
    expect([e.status, e.headers['content-type'], e.text()]).toEqual([500, 'text/plain; charset=utf-8', '500 Internal Server Error\n\nServer got itself in trouble']);
    expect((await request(sim.url, '/prompt')).status).toBe(200);
  });

  it('dropWebSockets closes every socket abruptly, once', async () => {
    const victim = await WsClient.open(sim.url, '?clientId=victim');
    const code = new Promise<number>((resolve) => victim.socket.once('close', (c) => resolve(c)));
    sim.faults.dropWebSockets();
    expect(await code).toBe(1006);
    const again = await WsClient.open(sim.url, '?clientId=victim');
    expect(again.frames[0]?.type).toBe('status');
    await again.close();
    ws = await WsClient.open(sim.url, '?clientId=f');
  });

  it('refuseConnections closes the port and reopens the same one', async () => {
    await sim.faults.setRefuseConnections(true);
    await expect(request(sim.url, '/queue')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await sim.faults.setRefuseConnections(false);
    expect((await request(sim.url, '/queue')).status).toBe(200);
    ws = await WsClient.open(sim.url, '?clientId=f');
  });

  it('can be driven over HTTP at /__sim/faults, untouched by the faults themselves', async () => {
    const set = await postJson(sim.url, '/__sim/faults', { stepMs: 7, failNode: 'SaveImage', garbage: true, nodeDelayMs: { KSampler: 3 } });
    expect(set.json()).toMatchObject({ stepMs: 7, failNode: 'SaveImage', garbage: true, nodeDelayMs: { KSampler: 3 }, refuseConnections: false });
    expect(sim.faults.stepMs).toBe(7);
    expect((await request(sim.url, '/__sim/faults')).json()).toMatchObject({ garbage: true });
    await postJson(sim.url, '/__sim/faults', { stepMs: 1, failNode: null, garbage: false, nodeDelayMs: {} });
    expect(sim.faults.failNode).toBeNull();

    const reachable = (): Promise<boolean> => request(sim.url, '/queue').then(() => true, () => false);
    const until = async (want: boolean): Promise<boolean> => {
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline) {
        if ((await reachable()) === want) return true;
        await new Promise((r) => setTimeout(r, 10));
      }
      return false;
    };
    const refusing = await postJson(sim.url, '/__sim/faults', { refuseConnections: true, refuseForMs: 300 });
    expect(refusing.json()).toMatchObject({ refuseConnections: true });
    expect(await until(false)).toBe(true);
    expect(await until(true)).toBe(true);
    expect(sim.faults.refuseConnections).toBe(false);
    ws = await WsClient.open(sim.url, '?clientId=f');
  });
});

describe('restart()', () => {
  it('forgets queue, history, cache and the counter, drops connections, keeps the port', async () => {
    const sim = await startTestSim({ stepMs: 20 });
    try {
      const ws = await WsClient.open(sim.url, '?clientId=r');
      const done = await submit(sim, emptySave('before'), { client_id: 'r' });
      await ws.waitDone(done);
      const running = await submit(sim, text2img(1, 10_000, 64), { client_id: 'r' });
      await ws.waitFor((f) => f.type === 'progress');
      const pending = await submit(sim, emptySave('pending'));
      const port = sim.port;
      await sim.restart();
      expect(ws.closed || (await new Promise<boolean>((r) => ws.socket.once('close', () => r(true))))).toBe(true);
      expect(sim.port).toBe(port);
      expect((await request(sim.url, '/queue')).json()).toEqual({ queue_running: [], queue_pending: [] });
      expect((await request(sim.url, '/history')).json()).toEqual({});
      expect(await history(sim, running)).toEqual({});
      expect(await history(sim, pending)).toEqual({});
      const again = await WsClient.open(sim.url, '?clientId=r');
      const r = await postJson(sim.url, '/prompt', { prompt: emptySave('before'), client_id: 'r' });
      expect((r.json() as { number: number }).number).toBe(0);
      const id = (r.json() as { prompt_id: string }).prompt_id;
      await again.waitDone(id);
      expect(again.frames.find((f) => f.type === 'execution_cached')?.data.nodes).toEqual([]);
      await again.close();
    } finally {
      await sim.close();
    }
  });
});
