// A pool of three simulated ComfyUI servers behind one real gateway: where jobs go (spread, capabilities, model
// affinity, draining), that every prompt-scoped route answers from the backend that ran the prompt, and that a
// backend dying mid-run loses nothing and runs nothing twice, then rejoins by itself.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimOptions, type Simulator } from 'comfyui-sim';
import type { DeepPartial, Config } from '../../src/config.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { emptyImageWorkflow, samplerWorkflow } from '../helpers/workflows.js';
import { waitFor } from '../helpers/wait.js';

interface JobDoc {
  prompt_id: string;
  status: string;
  backend: string | null;
  attempts: number;
  queue_position: number | null;
  outputs: { url: string }[];
}

const NAMES = ['gpu-a', 'gpu-b', 'gpu-c'] as const;

interface Pool {
  sims: Simulator[];
  gw: TestGateway;
  close(): Promise<void>;
}

async function startPool(simOptions: SimOptions[], overrides: DeepPartial<Config> = {}): Promise<Pool> {
  const sims: Simulator[] = [];
  for (const options of simOptions) sims.push(await startSimulator({ port: 0, ...options }));
  const gw = await startTestGateway({
    ...overrides,
    comfyui: {
      backends: sims.map((sim, i) => ({ name: NAMES[i], url: sim.url, slots: 1, weight: 1, labels: [] })),
      probe_interval_ms: 100,
      eject_after_failures: 2,
      connect_timeout_ms: 500,
      ws_reconnect_min_ms: 20,
      ws_reconnect_max_ms: 200,
      ...overrides.comfyui,
    },
    jobs: { watchdog_silence_ms: 300, poll_interval_ms: 100, ...overrides.jobs },
  });
  await waitFor('every backend stream', () => gw.pool.backends.list().every((backend) => backend.events.connected));
  await waitFor('every catalogue', () => gw.pool.backends.list().every((backend) => backend.capabilities !== undefined));
  return {
    sims,
    gw,
    async close() {
      await gw.close();
      for (const sim of sims) await sim.close();
    },
  };
}

async function submit(gw: TestGateway, workflow: unknown, query = ''): Promise<string> {
  const answer = await gw.call('POST', `/api/v1/workflows/submit${query}`, { workflow });
  expect(answer.status, JSON.stringify(answer.json)).toBe(200);
  return (answer.json.data as { prompt_id: string }).prompt_id;
}

async function job(gw: TestGateway, id: string): Promise<JobDoc> {
  return (await gw.call('GET', `/api/v1/jobs/${id}`)).json.data as JobDoc;
}

async function finished(gw: TestGateway, id: string, timeoutMs = 15_000): Promise<JobDoc> {
  return waitFor(`job ${id} to end`, async () => {
    const doc = await job(gw, id);
    return ['succeeded', 'failed', 'interrupted', 'cancelled'].includes(doc.status) ? doc : undefined;
  }, timeoutMs);
}

/** prompt_id → how many times it appears across these simulators' histories. */
async function historyCounts(sims: readonly Simulator[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const sim of sims) {
    const history = (await (await fetch(`${sim.url}/history`)).json()) as Record<string, unknown>;
    for (const id of Object.keys(history)) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

const withCheckpoint = (ckpt: string, seed: number) => {
  const workflow = samplerWorkflow(2, seed) as Record<string, { inputs: Record<string, unknown> }>;
  workflow['4']!.inputs.ckpt_name = ckpt;
  return workflow;
};

describe('a pool of three backends', () => {
  let pool: Pool;
  let seed = 1;

  beforeAll(async () => {
    pool = await startPool(
      [
        { runMs: 250, models: { ckpt_name: ['shared.safetensors', 'only-a.safetensors'] } },
        { runMs: 250, models: { ckpt_name: ['shared.safetensors', 'only-b.safetensors'] } },
        { runMs: 250, models: { ckpt_name: ['shared.safetensors'] }, removeNodes: ['ImageInvert'] },
      ],
    );
  });
  afterEach(async () => {
    for (const name of NAMES) await pool.gw.call('POST', `/api/v1/backends/${name}/resume`);
  });
  afterAll(async () => pool?.close());

  it('spreads jobs over every backend, holds the rest in its queue, and runs each prompt once', async () => {
    const answers: Awaited<ReturnType<TestGateway["call"]>>[] = [];
    for (let i = 0; i < 6; i++) {
      answers.push(await pool.gw.call('POST', '/api/v1/workflows/submit', { workflow: emptyImageWorkflow('spread', 1000 + i) }));
    }
    const ids = answers.map((answer) => (answer.json.data as { prompt_id: string }).prompt_id);
    // One slot each: three go at once with ComfyUI's number, the others wait in the gateway's queue.
    expect(answers.slice(0, 3).map((a) => typeof (a.json.data as { number: unknown }).number)).toEqual(['number', 'number', 'number']);
    expect(answers.slice(3).map((a) => (a.json.data as { number: unknown }).number)).toEqual([null, null, null]);
    const docs = await Promise.all(ids.map((id) => finished(pool.gw, id)));
    expect(docs.map((doc) => doc.status)).toEqual(Array(6).fill('succeeded'));
    expect(new Set(docs.map((doc) => doc.backend))).toEqual(new Set(NAMES));
    const counts = await historyCounts(pool.sims);
    expect(ids.map((id) => counts.get(id))).toEqual(Array(6).fill(1));
  });

  it('sends a prompt only where its nodes and files are, and says what each backend lacks when none has them', async () => {
    const invert = {
      '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 7 } },
      '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
      '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'invert' } },
    };
    const inverts: string[] = [];
    for (let i = 0; i < 4; i++) {
      inverts.push(await submit(pool.gw, { ...invert, '1': { ...invert['1'], inputs: { ...invert['1'].inputs, color: 20 + i } } }));
    }
    const onlyB: string[] = [];
    for (let i = 0; i < 3; i++) onlyB.push(await submit(pool.gw, withCheckpoint('only-b.safetensors', seed++)));
    const inverted = await Promise.all(inverts.map((id) => finished(pool.gw, id)));
    expect(inverted.map((doc) => doc.status)).toEqual(Array(4).fill('succeeded'));
    expect(inverted.map((doc) => doc.backend)).not.toContain('gpu-c');
    const bs = await Promise.all(onlyB.map((id) => finished(pool.gw, id)));
    expect(bs.map((doc) => [doc.status, doc.backend])).toEqual(Array(3).fill(['succeeded', 'gpu-b']));

    const none = await pool.gw.call('POST', '/api/v1/workflows/submit', { workflow: withCheckpoint('nowhere.safetensors', seed++) });
    expect([none.status, none.json.code]).toEqual([422, 1002]);
    for (const name of NAMES) expect(none.json.message).toContain(`${name}: no checkpoint "nowhere.safetensors"`);
  });

  it('prefers the backend that last loaded the same checkpoint', async () => {
    const backends: (string | null)[] = [];
    for (let i = 0; i < 4; i++) {
      const id = await submit(pool.gw, withCheckpoint('shared.safetensors', seed++));
      backends.push((await finished(pool.gw, id)).backend);
    }
    // Without affinity the least recently chosen would take turns; with it, one backend keeps the model loaded.
    expect(new Set(backends).size).toBe(1);
  });

  it('answers every prompt-scoped route from the backend that ran the prompt', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await submit(pool.gw, emptyImageWorkflow('owned', 3000 + i)));
    const docs = await Promise.all(ids.map((id) => finished(pool.gw, id)));
    for (const doc of docs) {
      const backend = doc.backend as string;
      const sim = pool.sims[NAMES.indexOf(backend as (typeof NAMES)[number])] as Simulator;
      // The history route and the simulator that ran it agree; the others never heard of the prompt.
      const history = await pool.gw.call('GET', `/api/v1/workflows/${doc.prompt_id}/history`);
      expect(history.status).toBe(200);
      const own = (await (await fetch(`${sim.url}/history/${doc.prompt_id}`)).json()) as Record<string, unknown>;
      expect(Object.keys(own)).toEqual([doc.prompt_id]);
      // The download link names the backend, and the file comes from there (the same name exists on others).
      const url = doc.outputs[0]?.url as string;
      expect(new URL(url).searchParams.get('backend')).toBe(backend);
      const file = await fetch(url);
      expect(file.status).toBe(200);
      const direct = await fetch(`${sim.url}/view?${new URL(url).searchParams.toString().replace('img_type', 'type')}`);
      expect(Buffer.from(await file.arrayBuffer())).toEqual(Buffer.from(await direct.arrayBuffer()));
    }

    // Interrupt finds the owning backend of a running prompt (every backend is slow for this one).
    for (const sim of pool.sims) sim.faults.runMs = 20_000;
    const long = await submit(pool.gw, emptyImageWorkflow('long', 3100));
    const running = await waitFor('the long job running', async () => {
      const doc = await job(pool.gw, long);
      return doc.status === 'running' ? doc : undefined;
    });
    const status = (await pool.gw.call('GET', '/api/v1/queue/status')).json.data as { queue_running: { prompt_id: string; backend: string }[] };
    expect(status.queue_running).toContainEqual(expect.objectContaining({ prompt_id: long, backend: running.backend }));
    const stop = await pool.gw.call('POST', '/api/v1/workflows/interrupt', { prompt_id: long });
    expect(stop.json.data).toEqual({ prompt_id: long, action: 'interrupted' });
    expect((await finished(pool.gw, long)).status).toBe('interrupted');
    for (const sim of pool.sims) await sim.faults.reset();
  });

  it('sends nothing to a drained backend until it is resumed', async () => {
    const drained = await pool.gw.call('POST', '/api/v1/backends/gpu-a/drain');
    expect([drained.status, (drained.json.data as { draining: boolean }).draining]).toEqual([200, true]);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await submit(pool.gw, emptyImageWorkflow('drain', 4000 + i)));
    const docs = await Promise.all(ids.map((id) => finished(pool.gw, id)));
    expect(docs.map((doc) => doc.backend)).not.toContain('gpu-a');

    await pool.gw.call('POST', '/api/v1/backends/gpu-a/resume');
    const after: string[] = [];
    for (let i = 0; i < 3; i++) after.push(await submit(pool.gw, emptyImageWorkflow('resumed', 5000 + i)));
    const resumed = await Promise.all(after.map((id) => finished(pool.gw, id)));
    expect(resumed.map((doc) => doc.backend)).toContain('gpu-a');

    const list = (await pool.gw.call('GET', '/api/v1/backends')).json.data as {
      backends: { name: string; up: boolean; nodes: number; models: { checkpoints?: string[] }; device: unknown }[];
      queue: { waiting: number };
    };
    expect(list.backends.map((b) => [b.name, b.up])).toEqual(NAMES.map((name) => [name, true]));
    expect(list.backends[1]?.models.checkpoints).toEqual(['shared.safetensors', 'only-b.safetensors']);
    expect(list.backends[0]!.nodes).toBeGreaterThan(list.backends[2]!.nodes);
    expect(list.queue.waiting).toBe(0);
    const unknown = await pool.gw.call('POST', '/api/v1/backends/gpu-z/drain');
    expect(unknown.status).toBe(404);
  });
});

describe('a backend dying mid-run', () => {
  let pool: Pool;
  afterAll(async () => pool?.close());

  it('loses nothing, runs nothing twice, and the backend rejoins when it comes back', async () => {
    pool = await startPool([{ runMs: 300 }, { runMs: 300 }, { runMs: 300 }]);
    const gw = pool.gw;
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await submit(gw, emptyImageWorkflow('failover', 6000 + i)));
    const victim = pool.sims[1] as Simulator;
    await waitFor('a job running on gpu-b', async () => (await Promise.all(ids.map((id) => job(gw, id)))).find((d) => d.backend === 'gpu-b' && d.status === 'running'));
    // What gpu-b finished before it died is counted from its history before it goes.
    const beforeDeath = await historyCounts([victim]);
    await victim.close();

    const docs = await Promise.all(ids.map((id) => finished(gw, id, 30_000)));
    expect(docs.map((doc) => doc.status)).toEqual(Array(12).fill('succeeded'));
    const survivors = await historyCounts([pool.sims[0] as Simulator, pool.sims[2] as Simulator]);
    for (const doc of docs) {
      const runs = (survivors.get(doc.prompt_id) ?? 0) + (beforeDeath.get(doc.prompt_id) ?? 0);
      expect([doc.prompt_id, runs]).toEqual([doc.prompt_id, 1]);
    }
    expect(docs.some((doc) => doc.attempts > 1), JSON.stringify(docs.map((d) => [d.backend, d.attempts]))).toBe(true);
    const list = await waitFor('gpu-b out of the pool', async () => {
      const data = (await gw.call('GET', '/api/v1/backends')).json.data as { backends: { name: string; up: boolean; last_error: string | null }[] };
      return data.backends.find((b) => b.name === 'gpu-b' && !b.up);
    });
    expect(list.last_error).toMatch(/.+/);

    // The same address comes back: the pool takes it in again by itself and sends it work.
    pool.sims[1] = await startSimulator({ port: victim.port, runMs: 100 });
    await waitFor('gpu-b back', () => gw.pool.backends.get('gpu-b')?.up === true, 15_000);
    const after: string[] = [];
    for (let i = 0; i < 6; i++) after.push(await submit(gw, emptyImageWorkflow('rejoined', 7000 + i)));
    const again = await Promise.all(after.map((id) => finished(gw, id)));
    expect(again.map((doc) => doc.backend)).toContain('gpu-b');
    const health = await gw.call('GET', '/health');
    expect((health.json.data as { backends: { reachable: boolean }[] }).backends.map((b) => b.reachable)).toEqual([true, true, true]);
  });
});
