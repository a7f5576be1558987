// Servers unlike one another, as the machines of a GPU fleet are: node classes missing, other model files,
// a fixed run time per prompt; and the two queue calls a pool relies on to move a prompt between servers
// (a client-chosen prompt_id, deleting a pending prompt).
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../src/index.js';
import { WsClient, emptySave, history, postJson, request, startTestSim, submit, text2img, waitHistory } from './harness.js';

type Reason = { type: string; message: string; details: string; extra_info: Record<string, unknown> };
type Refusal = { error: Reason; node_errors: Record<string, { errors: Reason[]; dependent_outputs: string[]; class_type: string }> };
type ObjectInfo = Record<string, { input: { required: Record<string, [unknown, Record<string, unknown>?]> } }>;

describe('removeNodes', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startTestSim({ removeNodes: ['ImageInvert', 'KSampler'] });
  });
  afterAll(() => sim.close());

  it('leaves the classes out of /object_info', async () => {
    const all = (await request(sim.url, '/object_info')).json() as ObjectInfo;
    expect(Object.keys(all)).not.toContain('ImageInvert');
    expect(Object.keys(all)).not.toContain('KSampler');
    expect(Object.keys(all)).toContain('SaveImage');
    const one = await request(sim.url, '/object_info/ImageInvert');
    expect([one.status, one.json()]).toEqual([200, {}]);
  });

  it('refuses a prompt using one as real ComfyUI refuses an unknown class_type', async () => {
    const r = await postJson(sim.url, '/prompt', { prompt: text2img(3) });
    expect(r.status).toBe(400);
    expect(r.json()).toEqual({
      error: { type: 'invalid_prompt', message: 'Cannot execute because node KSampler does not exist.', details: "Node ID '#3'", extra_info: {} },
      node_errors: {},
    });
  });

  it('still runs prompts made of the classes it has', async () => {
    const id = await submit(sim, emptySave('rm'));
    expect((await waitHistory(sim, id)).status?.status_str).toBe('success');
  });

  it('refuses to start without a class it does not know', async () => {
    await expect(startSimulator({ port: 0, removeNodes: ['IPAdapterApply'] })).rejects.toThrow(/no node class IPAdapterApply/);
  });
});

describe('models', () => {
  let sim: Simulator;
  const files = ['sdxl_base.safetensors', 'dreamshaper_8.safetensors'];
  beforeAll(async () => {
    sim = await startTestSim({ models: { ckpt_name: files } });
  });
  afterAll(() => sim.close());

  it('offers the given files in /object_info and /models/checkpoints', async () => {
    const all = (await request(sim.url, '/object_info')).json() as ObjectInfo;
    const spec = all.CheckpointLoaderSimple?.input.required.ckpt_name;
    expect(spec).toEqual([files, { tooltip: 'The name of the checkpoint (model) to load.' }]);
    const one = (await request(sim.url, '/object_info/CheckpointLoaderSimple')).json() as ObjectInfo;
    expect(one.CheckpointLoaderSimple?.input.required.ckpt_name?.[0]).toEqual(files);
    expect((await request(sim.url, '/models/checkpoints')).json()).toEqual(files);
  });

  it("answers a missing file with ComfyUI's value_not_in_list", async () => {
    const r = await postJson(sim.url, '/prompt', { prompt: text2img(4) });
    expect(r.status).toBe(400);
    const body = r.json() as Refusal;
    expect(body.error.type).toBe('prompt_outputs_failed_validation');
    expect(body.node_errors['4']).toEqual({
      errors: [{
        type: 'value_not_in_list', message: 'Value not in list',
        details: "ckpt_name: 'v1-5-pruned-emaonly-fp16.safetensors' not in ['sdxl_base.safetensors', 'dreamshaper_8.safetensors']",
        extra_info: {
          input_name: 'ckpt_name',
          input_config: [files, { tooltip: 'The name of the checkpoint (model) to load.' }],
          received_value: 'v1-5-pruned-emaonly-fp16.safetensors',
        },
      }],
      dependent_outputs: ['9'],
      class_type: 'CheckpointLoaderSimple',
    });
  });

  it('runs a prompt naming one of its files', async () => {
    const prompt = text2img(5) as Record<string, { inputs: Record<string, unknown> }>;
    (prompt['4'] as { inputs: Record<string, unknown> }).inputs.ckpt_name = 'dreamshaper_8.safetensors';
    const id = await submit(sim, prompt);
    expect((await waitHistory(sim, id)).status?.status_str).toBe('success');
  });

  it('refuses to start with an input name no class has', async () => {
    await expect(startSimulator({ port: 0, models: { lora_name: ['x.safetensors'] } })).rejects.toThrow(/file list input named lora_name/);
  });
});

describe('runMs', () => {
  let sim: Simulator;
  let ws: WsClient;
  let unique = 0;
  beforeAll(async () => {
    // Steps this slow would keep a 20-step KSampler busy for over three minutes without runMs.
    sim = await startTestSim({ runMs: 150, stepMs: 10_000 });
    ws = await WsClient.open(sim.url, '?clientId=r');
  });
  afterAll(async () => {
    await ws.close();
    await sim.close();
  });
  afterEach(() => sim.faults.reset());

  const span = (id: string): number => {
    const at = (type: string): number => {
      const f = ws.frames.find((x) => x.type === type && x.data.prompt_id === id);
      if (!f) throw new Error(`no ${type} for ${id}`);
      return f.data.timestamp as number;
    };
    return at('execution_success') - at('execution_start');
  };

  it('runs every prompt for runMs, whatever its nodes, a fully cached re-run included', async () => {
    const first = await submit(sim, text2img(++unique, 20), { client_id: 'r' });
    await ws.waitDone(first);
    const again = await submit(sim, text2img(unique, 20), { client_id: 'r' });
    await ws.waitDone(again);
    const cached = ws.frames.find((f) => f.type === 'execution_cached' && f.data.prompt_id === again);
    expect((cached?.data.nodes as string[]).length).toBe(7);
    expect(span(first)).toBeGreaterThanOrEqual(150);
    expect(span(again)).toBeGreaterThanOrEqual(150);
    expect((await history(sim, again)).status?.status_str).toBe('success');
  });

  it('can be interrupted while it waits', async () => {
    sim.faults.runMs = 60_000;
    const id = await submit(sim, emptySave(`r${++unique}`, { color: unique }), { client_id: 'r' });
    await ws.waitFor((f) => f.type === 'executed' && f.data.prompt_id === id);
    await postJson(sim.url, '/interrupt', { prompt_id: id });
    const stop = await ws.waitFor((f) => f.type === 'execution_interrupted' && f.data.prompt_id === id);
    expect(stop.data).toMatchObject({ node_id: '2', node_type: 'SaveImage', executed: ['1'] });
    await ws.waitDone(id);
  });

  it('is a live switch over /__sim/faults, and reset goes back to the configured value', async () => {
    expect((await postJson(sim.url, '/__sim/faults', { runMs: null })).status).toBe(200);
    expect(sim.faults.runMs).toBeNull();
    await sim.faults.reset();
    expect(sim.faults.runMs).toBe(150);
  });
});

describe('moving a prompt between servers', () => {
  let a: Simulator;
  let b: Simulator;
  let ws: WsClient;
  beforeAll(async () => {
    [a, b] = await Promise.all([startTestSim({ stepMs: 20 }), startTestSim()]);
    ws = await WsClient.open(a.url, '?clientId=m');
  });
  afterAll(async () => {
    await ws.close();
    await Promise.all([a.close(), b.close()]);
  });

  it('keeps a client prompt_id, deletes it while pending, and runs it once elsewhere under the same id', async () => {
    const blocker = await submit(a, text2img(77, 10_000), { client_id: 'm' });
    await ws.waitFor((f) => f.type === 'progress' && f.data.prompt_id === blocker);
    const id = randomUUID();
    const r = await postJson(a.url, '/prompt', { prompt: emptySave('mv', { color: 4242 }), prompt_id: id });
    expect(r.json()).toMatchObject({ prompt_id: id });
    const queued = (await request(a.url, '/queue')).json() as { queue_pending: [number, string][] };
    expect(queued.queue_pending.map((item) => item[1])).toEqual([id]);

    expect((await postJson(a.url, '/queue', { delete: [id] })).status).toBe(200);
    expect(((await request(a.url, '/queue')).json() as { queue_pending: unknown[] }).queue_pending).toEqual([]);
    expect(await submit(b, emptySave('mv', { color: 4242 }), { prompt_id: id })).toBe(id);
    expect((await waitHistory(b, id)).prompt[1]).toBe(id);

    await postJson(a.url, '/interrupt', { prompt_id: blocker });
    await ws.waitDone(blocker);
    // Had the delete not taken it out, it would run right after the blocker; it never reaches a's history.
    expect(Object.keys((await request(a.url, '/history')).json() as object)).toEqual([blocker]);
  });
});
