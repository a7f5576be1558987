// Running prompts: event order and recipients, the classic cache, node order, real pixels.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.js';
import { WsClient, emptySave, history, invertChain, remaining, request, startTestSim, submit, testPng, text2img, upload } from './harness.js';
import type { ImageRef } from './harness.js';

const types = (ws: WsClient, from: number, promptId: string): string[] =>
  ws.frames.slice(from).filter((f) => f.type !== 'status' && (f.data.prompt_id === promptId || f.type === 'progress_state')).map((f) => {
    if (f.type === 'executing') return `executing:${String(f.data.node)}`;
    if (f.type === 'progress_state') {
      return `ps:${Object.entries(f.data.nodes as Record<string, { state: string }>).map(([k, v]) => `${k}${v.state[0]}`).join('')}`;
    }
    return f.type;
  });

describe('execution', () => {
  let sim: Simulator;
  let ws: WsClient;

  beforeAll(async () => {
    sim = await startTestSim();
    await upload(sim, 'test_input.png', await testPng());
    ws = await WsClient.open(sim.url, '?clientId=test');
  });
  afterAll(async () => {
    await ws.close();
    await sim.close();
  });

  it('sends the recorded events in order, the final executing after the history entry', async () => {
    const from = ws.frames.length;
    const id = await submit(sim, invertChain('test_input.png', 'order'), { client_id: 'test' });
    await ws.waitDone(id);
    expect(types(ws, from, id)).toEqual([
      'execution_start', 'execution_cached', 'ps:1r', 'executing:1', 'ps:1f', 'ps:1f2r', 'executing:2', 'ps:1f2f',
      'ps:1f2f3r', 'executing:3', 'executed', 'ps:1f2f3f', 'execution_success', 'executing:null',
    ]);
    const statuses = ws.frames.slice(from).filter((f) => f.type === 'status').map((f) => remaining(f.data));
    expect(statuses).toEqual([1, 1, 0]);
    const h = await history(sim, id);
    expect(h.status).toMatchObject({ status_str: 'success', completed: true });
    expect(h.outputs).toEqual({ '3': { images: [{ filename: 'order_00001_.png', subfolder: '', type: 'output' }] } });
  });

  it('serves an identical re-run from the cache without writing files', async () => {
    const from = ws.frames.length;
    const id = await submit(sim, invertChain('test_input.png', 'order'), { client_id: 'test' });
    await ws.waitDone(id);
    expect(types(ws, from, id)).toEqual(['execution_start', 'execution_cached', 'executed', 'ps:3f', 'execution_success', 'executing:null']);
    const cached = ws.frames.slice(from).find((f) => f.type === 'execution_cached');
    expect(cached?.data.nodes).toEqual(['1', '2', '3']);
    expect(existsSync(path.join(sim.dataDir, 'output', 'order_00002_.png'))).toBe(false);
    expect((await history(sim, id)).outputs['3']?.images[0]?.filename).toBe('order_00001_.png');
  });

  it('re-reads an input file whose content changed (IS_CHANGED is its hash)', async () => {
    await upload(sim, 'changing.png', await testPng(8, 8), { overwrite: 'true' });
    const first = await submit(sim, invertChain('changing.png', 'chg'), { client_id: 'test' });
    await ws.waitDone(first);
    await upload(sim, 'changing.png', await testPng(10, 10), { overwrite: 'true' });
    const from = ws.frames.length;
    const second = await submit(sim, invertChain('changing.png', 'chg'), { client_id: 'test' });
    await ws.waitDone(second);
    expect(ws.frames.slice(from).find((f) => f.type === 'execution_cached')?.data.nodes).toEqual([]);
  });

  it('runs output nodes first among the ready ones (node 4 before 2)', async () => {
    const from = ws.frames.length;
    const id = await submit(sim, {
      '1': { class_type: 'EmptyImage', inputs: { width: 32, height: 32, batch_size: 2, color: 0xff0000 } },
      '2': { class_type: 'ImageScale', inputs: { image: ['1', 0], upscale_method: 'bilinear', width: 48, height: 40, crop: 'disabled' } },
      '3': { class_type: 'PreviewImage', inputs: { images: ['2', 0] } },
      '4': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: 'gw/empty' } },
    }, { client_id: 'test' });
    await ws.waitDone(id);
    const order = types(ws, from, id).filter((t) => t.startsWith('executing:') && t !== 'executing:null');
    expect(order).toEqual(['executing:1', 'executing:4', 'executing:2', 'executing:3']);
    const h = await history(sim, id);
    expect(h.outputs['4']?.images).toEqual([
      { filename: 'empty_00001_.png', subfolder: 'gw', type: 'output' },
      { filename: 'empty_00002_.png', subfolder: 'gw', type: 'output' },
    ]);
    const preview = h.outputs['3']?.images[0] as ImageRef;
    expect(preview.filename).toMatch(/^ComfyUI_temp_[a-z]{5}_00001_\.png$/);
    const meta = await sharp(path.join(sim.dataDir, 'temp', preview.filename)).metadata();
    expect([meta.width, meta.height]).toEqual([48, 40]);
  });

  it('sends nothing per prompt to anyone when the POST had no client_id, except broadcast progress_state', async () => {
    const other = await WsClient.open(sim.url, '?clientId=bystander');
    try {
      const id = await submit(sim, emptySave('noclient'));
      await other.waitFor((f) => f.type === 'progress_state' && (f.data.nodes as Record<string, { state: string }>)['2']?.state === 'finished');
      await other.waitFor((f) => f.type === 'status' && remaining(f.data) === 0, { from: 1 });
      expect(new Set(other.frames.map((f) => f.type))).toEqual(new Set(['status', 'progress_state']));
      expect((await history(sim, id)).status?.status_str).toBe('success');
    } finally {
      await other.close();
    }
  });

  it('computes real pixels: EmptyImage colour, ImageInvert, ImageScale keeping the aspect', async () => {
    const id = await submit(sim, {
      '1': { class_type: 'EmptyImage', inputs: { width: 40, height: 20, batch_size: 1, color: 0x102030 } },
      '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
      '3': { class_type: 'ImageScale', inputs: { image: ['2', 0], upscale_method: 'nearest-exact', width: 20, height: 0, crop: 'disabled' } },
      '4': { class_type: 'SaveImage', inputs: { images: ['3', 0], filename_prefix: 'px_%width%x%height%' } },
    }, { client_id: 'test' });
    await ws.waitDone(id);
    const file = (await history(sim, id)).outputs['4']?.images[0]?.filename ?? '';
    expect(file).toBe('px_20x10_00001_.png'); // %width%/%height% are the saved image's
    const { data, info } = await sharp(path.join(sim.dataDir, 'output', file)).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([20, 10, 3]);
    expect([...data.subarray(0, 3)]).toEqual([0xff - 0x10, 0xff - 0x20, 0xff - 0x30]);
    const png = readFileSync(path.join(sim.dataDir, 'output', file)).toString('latin1');
    expect(png).toContain('tEXtprompt\0{"1": {"class_type": "EmptyImage"');
  });

  it('simulates SD 1.5: one progress event per step, a picture sized from the latent, decided by seed and text', async () => {
    sim.faults.stepMs = 2;
    const from = ws.frames.length;
    const id = await submit(sim, text2img(7, 5, 100), { client_id: 'test' });
    await ws.waitDone(id);
    const progress = ws.frames.slice(from).filter((f) => f.type === 'progress');
    expect(progress.map((f) => f.data.value)).toEqual([1, 2, 3, 4, 5]);
    expect(progress[0]?.data).toMatchObject({ max: 5, node: '3', prompt_id: id });
    const file = path.join(sim.dataDir, 'output', (await history(sim, id)).outputs['9']?.images[0]?.filename ?? '');
    const meta = await sharp(file).metadata();
    expect([meta.width, meta.height]).toEqual([96, 96]);

    const again = await submit(sim, { ...text2img(7, 5, 100), '9': { class_type: 'SaveImage', inputs: { filename_prefix: 't2i_b', images: ['8', 0] } } }, { client_id: 'test' });
    await ws.waitDone(again);
    const other = await submit(sim, text2img(8, 5, 100), { client_id: 'test' });
    await ws.waitDone(other);
    const pixels = async (pid: string, node = '9'): Promise<Buffer> =>
      sharp(path.join(sim.dataDir, 'output', (await history(sim, pid)).outputs[node]?.images[0]?.filename ?? '')).raw().toBuffer();
    expect((await pixels(again)).equals(await pixels(id))).toBe(true);
    expect((await pixels(other)).equals(await pixels(id))).toBe(false);
  });

  it('runs img2img (LoadImage → VAEEncode → KSampler → VAEDecode)', async () => {
    const id = await submit(sim, {
      '1': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'v1-5-pruned-emaonly.safetensors' } },
      '2': { class_type: 'LoadImage', inputs: { image: 'test_input.png' } },
      '3': { class_type: 'CLIPTextEncode', inputs: { text: '换一个姿势', clip: ['1', 1] } },
      '4': { class_type: 'CLIPTextEncode', inputs: { text: 'blurry', clip: ['1', 1] } },
      '5': { class_type: 'VAEEncode', inputs: { pixels: ['2', 0], vae: ['1', 2] } },
      '6': { class_type: 'KSampler', inputs: { seed: 123456, steps: 3, cfg: 7, sampler_name: 'euler', scheduler: 'karras', denoise: 0.6, model: ['1', 0], positive: ['3', 0], negative: ['4', 0], latent_image: ['5', 0] } },
      '7': { class_type: 'VAEDecode', inputs: { samples: ['6', 0], vae: ['1', 2] } },
      '8': { class_type: 'SaveImage', inputs: { filename_prefix: 'cpu_test', images: ['7', 0] } },
    }, { client_id: 'test' });
    await ws.waitDone(id);
    const out = (await history(sim, id)).outputs['8']?.images[0] as ImageRef;
    const r = await request(sim.url, `/view?filename=${out.filename}&type=output`);
    expect(r.status).toBe(200);
    const meta = await sharp(r.body).metadata();
    expect([meta.width, meta.height]).toEqual([64, 48]);
  });

  it('fails a catalogue class it does not implement with an execution_error like the recorded one', async () => {
    const from = ws.frames.length;
    const id = await submit(sim, {
      '1': { class_type: 'EmptyImage', inputs: { width: 16, height: 16, batch_size: 1, color: 0 } },
      '2': { class_type: 'Morphology', inputs: { image: ['1', 0], operation: 'erode', kernel_size: 3 } },
      '3': { class_type: 'PreviewImage', inputs: { images: ['2', 0] } },
    }, { client_id: 'test' });
    await ws.waitDone(id);
    const err = ws.frames.slice(from).find((f) => f.type === 'execution_error');
    expect(err?.data).toMatchObject({
      prompt_id: id, node_id: '2', node_type: 'Morphology', executed: ['1'], exception_type: 'RuntimeError',
      current_inputs: { operation: ['erode'], kernel_size: [3] }, current_outputs: ['1', '2', '3'],
    });
    expect(typeof (err?.data.current_inputs as Record<string, unknown[]>).image?.[0]).toBe('string');
    expect(types(ws, from, id).slice(-2)).toEqual(['execution_error', 'executing:null']);
    const h = await history(sim, id);
    expect(h.status).toMatchObject({ status_str: 'error', completed: false });
    expect(h.outputs).toEqual({});
  });
});

describe('WebSocket sessions', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startTestSim();
  });
  afterAll(() => sim.close());

  it('gives a socket without clientId a 32-hex sid and answers the feature-flag handshake once', async () => {
    const anon = await WsClient.open(sim.url);
    expect(anon.frames[0]?.data.sid).toMatch(/^[0-9a-f]{32}$/);
    await anon.close();
    const ff = await WsClient.open(sim.url, '?clientId=ff');
    ff.send({ type: 'feature_flags', data: { supports_preview_metadata: true } });
    ff.send({ type: 'feature_flags', data: {} });
    const reply = await ff.waitFor((f) => f.type === 'feature_flags');
    expect(reply.data).toEqual({ supports_preview_metadata: true, max_upload_size: 104857600 });
    const features = await request(sim.url, '/features');
    expect(features.json()).toEqual(reply.data);
    // A second handshake is ignored: prove it by a round trip that surely comes after it.
    const probe = await WsClient.open(sim.url, '?clientId=probe');
    await probe.close();
    expect(ff.frames.filter((f) => f.type === 'feature_flags')).toHaveLength(1);
    await ff.close();
  });

  it('replaces the socket of a reused clientId, and the old one closing unregisters the new (0.3.64 bug)', async () => {
    sim.faults.nodeDelayMs = { EmptyImage: 200 };
    try {
      const first = await WsClient.open(sim.url, '?clientId=dup');
      const second = await WsClient.open(sim.url, '?clientId=dup');
      const a = await submit(sim, emptySave('dup_a'), { client_id: 'dup' });
      await second.waitDone(a);
      expect(first.frames.filter((f) => f.type !== 'status')).toEqual([]);
      await first.close();
      // From now on "dup" has no registered socket: the live second socket hears nothing, not even status.
      const watcher = await WsClient.open(sim.url, '?clientId=watcher');
      const heard = second.frames.length;
      const b = await submit(sim, emptySave('dup_b'), { client_id: 'dup' });
      await watcher.waitFor((f) => f.type === 'status' && remaining(f.data) === 0, { from: 1 });
      expect((await history(sim, b)).status?.status_str).toBe('success');
      expect(second.frames.length).toBe(heard);
      await watcher.close();
      await second.close();
    } finally {
      sim.faults.nodeDelayMs = {};
    }
  });

  it('tells a client reconnecting mid-prompt which node is executing', async () => {
    sim.faults.nodeDelayMs = { EmptyImage: 300 };
    try {
      const watcher = await WsClient.open(sim.url, '?clientId=watch');
      const id = await submit(sim, emptySave('reconnect', { color: 4242 }), { client_id: 'rc' });
      await watcher.waitCount(3, (f) => f.type === 'status', 'status frames (initial, queued, started)');
      const rc = await WsClient.open(sim.url, '?clientId=rc');
      const executing = await rc.waitFor((f) => f.type === 'executing');
      expect(executing.data).toEqual({ node: '1' });
      await rc.waitDone(id);
      await rc.close();
      await watcher.close();
    } finally {
      sim.faults.nodeDelayMs = {};
    }
  });
});
