// A pool of three simulated ComfyUI servers behind one real gateway: where jobs go (spread, capabilities, model
// affinity, draining), that every prompt-scoped route answers from the backend that ran the prompt, and that a
// backend dying mid-run loses nothing and runs nothing twice, then rejoins by itself.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimOptions, type Simulator } from 'comfyui-sim';
import { loadConfig, type DeepPartial, type Config } from '../../src/config.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { emptyImageWorkflow, samplerWorkflow } from '../helpers/workflows.js';
import { waitFor } from '../helpers/wait.js';
import { closedPort } from '../helpers/ports.js';

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
    // Metrics per backend.
    const metrics = await (await fetch(`${pool.gw.url}/metrics`)).text();
    for (const name of NAMES) {
      expect(metrics).toMatch(new RegExp(`pool_dispatches_total\\{backend="${name}"\\} [1-9]`));
      expect(metrics).toContain(`pool_run_seconds_count{backend="${name}"}`);
      expect(metrics).toContain(`pool_slots_busy{backend="${name}"} 0`);
    }
    expect(metrics).toContain('pool_queue_waiting 0');
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
    // gpu-b is slow: whatever it takes is still running when it dies.
    pool = await startPool([{ runMs: 300 }, { runMs: 20_000 }, { runMs: 300 }]);
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
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toMatch(/pool_ejections_total\{backend="gpu-b"\} [1-9]/);
    expect(metrics).toMatch(/pool_failovers_total\{backend="gpu-b"\} [1-9]/);

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

describe('the gateway queue', () => {
  let sim: Simulator;
  let gw: TestGateway;
  const keys = { alice: 'alice-key-0123456789', bob: 'bob-key-0123456789', low: 'low-key-0123456789', ops: 'ops-key-0123456789' };

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, runMs: 150 });
    gw = await startTestGateway({
      comfyui: { backends: [{ name: 'only', url: sim.url, slots: 1, weight: 1, labels: [] }] },
      auth: {
        api_keys: [
          { key: keys.alice, name: 'alice' },
          { key: keys.bob, name: 'bob' },
          { key: keys.low, name: 'low', priority_max: 0 },
          { key: keys.ops, name: 'ops', role: 'admin' },
        ],
      },
    });
    await waitFor('the backend stream', () => gw.events.connected);
  });
  afterAll(async () => {
    await gw?.close();
    await sim?.close();
  });

  const send = async (who: keyof typeof keys, color: number, priority?: number) => {
    const answer = await gw.call(
      'POST',
      '/api/v1/workflows/submit',
      { workflow: emptyImageWorkflow('q', color), ...(priority !== undefined ? { priority } : {}) },
      { 'x-api-key': keys[who] },
    );
    expect(answer.status, JSON.stringify(answer.json)).toBe(200);
    return answer.json.data as { prompt_id: string; status?: string; queue_position?: number };
  };
  /** The order prompts started in, from the simulator's own history. */
  const startOrder = async (ids: string[]): Promise<string[]> => {
    const history = (await (await fetch(`${sim.url}/history`)).json()) as Record<string, { status: { messages: [string, { timestamp: number }][] } }>;
    const started = (id: string) => history[id]?.status.messages.find(([type]) => type === 'execution_start')?.[1].timestamp ?? Infinity;
    return [...ids].sort((a, b) => started(a) - started(b));
  };
  const admin = { 'x-api-key': keys.ops };
  const asAlice = { 'x-api-key': keys.alice };

  it('runs higher priorities first, caps a key at its priority_max, and lets callers take turns', async () => {
    const blocker = await send('alice', 1);
    const low = [await send('alice', 2), await send('alice', 3), await send('alice', 4)];
    expect(low.map((job) => [job.status, job.queue_position])).toEqual([['queued', 1], ['queued', 2], ['queued', 3]]);
    const capped = await send('low', 5, 50); // asks for 50, may have 0: stays behind the urgent one
    const urgent = await send('bob', 6, 10);
    const queued = (await gw.call('GET', `/api/v1/jobs/${urgent.prompt_id}`, undefined, { 'x-api-key': keys.bob })).json.data as JobDoc;
    expect([queued.status, queued.backend, queued.queue_position]).toEqual(['queued', null, 1]);
    const all = [blocker, ...low, capped, urgent].map((job) => job.prompt_id);
    await waitFor('every job done', async () => {
      const docs = await Promise.all(all.map(async (id) => (await gw.call('GET', `/api/v1/jobs/${id}`, undefined, admin)).json.data as JobDoc | null));
      return docs.every((doc) => doc?.status === 'succeeded') || undefined;
    }, 20_000);
    const order = await startOrder(all);
    expect(order[0]).toBe(blocker.prompt_id);
    expect(order[1]).toBe(urgent.prompt_id);
    // At priority 0, alice and low take turns: alice's first, then low's, then alice's others.
    expect(order.slice(2)).toEqual([low[0]!.prompt_id, capped.prompt_id, low[1]!.prompt_id, low[2]!.prompt_id]);
  });

  it('takes a job out of the gateway queue on interrupt or clear, within the caller\'s own jobs', async () => {
    const blocker = await send('alice', 11);
    const mine = await send('alice', 12);
    const theirs = await send('bob', 13);
    const foreign = await gw.call('POST', '/api/v1/workflows/interrupt', { prompt_id: theirs.prompt_id }, asAlice);
    expect(foreign.status).toBe(404);
    const stop = await gw.call('POST', '/api/v1/workflows/interrupt', { prompt_id: mine.prompt_id }, asAlice);
    expect(stop.json.data).toEqual({ prompt_id: mine.prompt_id, action: 'removed' });
    const status = (await gw.call('GET', '/api/v1/queue/status', undefined, { 'x-api-key': keys.bob })).json.data as {
      queue_pending: { prompt_id: string; number: number | null }[];
    };
    expect(status.queue_pending).toEqual([expect.objectContaining({ prompt_id: theirs.prompt_id, number: null })]);
    const cleared = await gw.call('POST', '/api/v1/queue/clear', { clear: true }, { 'x-api-key': keys.bob });
    expect(cleared.status).toBe(200);
    const doc = (await gw.call('GET', `/api/v1/jobs/${theirs.prompt_id}`, undefined, { 'x-api-key': keys.bob })).json.data as JobDoc;
    expect(doc.status).toBe('cancelled');
    const blocked = await waitFor('the blocker done', async () => {
      const data = (await gw.call('GET', `/api/v1/jobs/${blocker.prompt_id}`, undefined, admin)).json.data as JobDoc;
      return data.status === 'succeeded' ? data : undefined;
    });
    expect(blocked.attempts).toBe(1);
    const history = (await (await fetch(`${sim.url}/history`)).json()) as Record<string, unknown>;
    expect(Object.keys(history)).not.toContain(mine.prompt_id);
    expect(Object.keys(history)).not.toContain(theirs.prompt_id);
  });
});

describe('gateway.yaml reloaded', () => {
  let sims: Simulator[] = [];
  let gw: TestGateway | undefined;
  afterAll(async () => {
    await gw?.close();
    for (const sim of sims) await sim.close();
  });

  it('adds a backend, removes one after it drains, and keeps the pool when the file is bad', async () => {
    sims = [await startSimulator({ port: 0 }), await startSimulator({ port: 0 }), await startSimulator({ port: 0 })];
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pool-reload-'));
    const file = path.join(dir, 'gateway.yaml');
    const entry = (i: number) => ({ name: NAMES[i], url: sims[i]!.url, slots: 1, weight: 1, labels: [] });
    const write = (indexes: number[], extra = '') =>
      writeFile(file, `comfyui:\n  probe_interval_ms: 100\n  backends: ${JSON.stringify(indexes.map(entry))}\n${extra}`);
    await write([0, 1]);
    const lines: { msg?: string }[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as { msg?: string }) });
    const base = { server: { host: '127.0.0.1', port: 0 }, scenarios: { watch: false } };
    gw = await startTestGateway(
      { comfyui: { backends: [entry(0), entry(1)], probe_interval_ms: 100 } },
      { log, configSource: { file, load: () => loadConfig({ cwd: dir, env: {}, overrides: base }) } },
    );
    const names = () => gw!.pool.backends.list().map((backend) => backend.name);
    expect(names()).toEqual(['gpu-a', 'gpu-b']);

    // Added: it gets work.
    await write([0, 1, 2]);
    await waitFor('gpu-c in the pool', () => gw!.pool.backends.get('gpu-c')?.capabilities !== undefined);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await submit(gw, emptyImageWorkflow('reload', 8000 + i)));
    const docs = await Promise.all(ids.map((id) => finished(gw!, id)));
    expect(docs.map((doc) => doc.backend)).toContain('gpu-c');

    // Removed while it runs a job: it finishes that job, gets nothing new, then leaves.
    sims[1]!.faults.runMs = 1_500;
    const slow: string[] = [];
    for (let i = 0; i < 3; i++) slow.push(await submit(gw, emptyImageWorkflow('slow', 8100 + i)));
    const onB = await waitFor('a job on gpu-b', async () => (await Promise.all(slow.map((id) => job(gw!, id)))).find((d) => d.backend === 'gpu-b'));
    await write([0, 2]);
    await waitFor('gpu-b gone', () => !names().includes('gpu-b'), 15_000);
    expect((await finished(gw, onB.prompt_id)).status).toBe('succeeded');
    const later: string[] = [];
    for (let i = 0; i < 4; i++) later.push(await submit(gw, emptyImageWorkflow('after-removal', 8200 + i)));
    const laterDocs = await Promise.all(later.map((id) => finished(gw!, id)));
    expect(laterDocs.map((doc) => doc.backend)).not.toContain('gpu-b');

    // A bad file changes nothing and says why; other changed keys are named as needing a restart.
    await writeFile(file, 'comfyui: [unclosed');
    await waitFor('the refusal in the log', () => lines.some((line) => line.msg?.includes('not applied')));
    expect(names()).toEqual(['gpu-a', 'gpu-c']);
    await write([0, 2], 'jobs:\n  max_attempts: 5\n');
    await waitFor('the restart notice', () => lines.some((line) => line.msg?.includes('after a restart')));
    expect(names()).toEqual(['gpu-a', 'gpu-c']);
    await rm(dir, { recursive: true, force: true });
  });
});

describe('a pool with no backend up', () => {
  it('answers 1001 at once naming every address', async () => {
    const ports = [await closedPort(), await closedPort()];
    const gw = await startTestGateway({
      comfyui: {
        backends: ports.map((port, i) => ({ name: NAMES[i], url: `http://127.0.0.1:${port}`, slots: 1, weight: 1, labels: [] })),
        probe_interval_ms: 50,
        eject_after_failures: 1,
      },
    });
    try {
      await waitFor('both out of the pool', () => gw.pool.backends.list().every((backend) => !backend.up));
      const answer = await gw.call('POST', '/api/v1/workflows/submit', { workflow: emptyImageWorkflow('nobody', 1) });
      expect([answer.status, answer.json.code]).toEqual([503, 1001]);
      for (const port of ports) expect(answer.json.message).toContain(`127.0.0.1:${port}`);
      // In the gateway's language (zh-CN here), not an English sentence inside a Chinese message.
      expect(answer.json.message).toContain('池中没有在线的后端');
      const health = await gw.call('GET', '/health');
      expect([health.status, health.json.code]).toEqual([503, 1001]);
      expect((health.json.details as { backends: unknown[] }).backends).toHaveLength(2);
      expect((await gw.call('GET', '/api/v1/queue/status')).json.code).toBe(1001);
    } finally {
      await gw.close();
    }
  });
});

describe('every backend gone while jobs wait', () => {
  it('fails the waiting jobs after jobs.queue_timeout_s with a reason, and none runs anywhere', async () => {
    const pool = await startPool([{ runMs: 20_000 }, { runMs: 20_000 }], { jobs: { queue_timeout_s: 1 } });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) ids.push(await submit(pool.gw, emptyImageWorkflow('timeout', 9000 + i)));
      await waitFor('two running', async () => (await Promise.all(ids.map((id) => job(pool.gw, id)))).filter((d) => d.status === 'running').length === 2 || undefined);
      for (const sim of pool.sims) await sim.close();
      const docs = await Promise.all(ids.map((id) => finished(pool.gw, id)));
      expect(docs.map((doc) => doc.status)).toEqual(Array(4).fill('failed'));
      const errors = docs.map((doc) => (doc as unknown as { error: { type: string } }).error.type);
      expect(errors.filter((type) => type === 'queue_timeout').length).toBeGreaterThanOrEqual(2);
    } finally {
      await pool.gw.close();
    }
  });
});
