// Input images in a pool: an upload is kept by the gateway and reaches a backend only when a job naming it is
// dispatched there, whichever backend that is.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from 'comfyui-sim';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';
import { sampleImage } from '../fixtures/images/samples.js';

let sims: Simulator[] = [];
let gw: TestGateway;

beforeAll(async () => {
  sims = [await startSimulator({ port: 0 }), await startSimulator({ port: 0 })];
  gw = await startTestGateway({
    comfyui: {
      backends: sims.map((sim, i) => ({ name: `gpu-${i}`, url: sim.url, slots: 1, weight: 1, labels: [] })),
      probe_interval_ms: 100,
    },
  });
  await waitFor('every catalogue', () => gw.pool.backends.list().every((backend) => backend.capabilities !== undefined));
});
afterAll(async () => {
  await gw?.close();
  for (const sim of sims) await sim.close();
});

const inInput = (sim: Simulator, name: string): boolean => existsSync(path.join(sim.dataDir, 'input', name));

async function runOn(backend: string, image: string): Promise<void> {
  const other = backend === 'gpu-0' ? 'gpu-1' : 'gpu-0';
  await gw.call('POST', `/api/v1/backends/${other}/drain`);
  try {
    const workflow = {
      '1': { class_type: 'LoadImage', inputs: { image } },
      '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
      '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'pool-input' } },
    };
    const answer = await gw.call('POST', '/api/v1/workflows/submit?wait=true', { workflow });
    expect(answer.status, JSON.stringify(answer.json)).toBe(200);
    const data = answer.json.data as { status: string; backend: string };
    expect([data.status, data.backend]).toEqual(['succeeded', backend]);
  } finally {
    await gw.call('POST', `/api/v1/backends/${other}/resume`);
  }
}

describe('input images in a pool of two', () => {
  it('an upload stays in the gateway until a job takes it to a backend, then goes to each backend that runs one', async () => {
    const form = new FormData();
    form.append('file', new Blob([await sampleImage('png', 12, 10)], { type: 'image/png' }), 'pooled.png');
    const uploaded = await fetch(`${gw.url}/api/v1/images/upload`, { method: 'POST', body: form });
    expect(uploaded.status).toBe(200);
    const name = ((await uploaded.json()) as { data: { name: string } }).data.name;
    // Nowhere yet: which backend runs the job is not known at upload time.
    expect(sims.map((sim) => inInput(sim, name))).toEqual([false, false]);

    await runOn('gpu-1', name);
    expect(sims.map((sim) => inInput(sim, name))).toEqual([false, true]);
    await runOn('gpu-0', name);
    expect(sims.map((sim) => inInput(sim, name))).toEqual([true, true]);
  });
});

describe('input images held by a job waiting in the gateway', () => {
  let heldSims: Simulator[] = [];
  let held: TestGateway;

  beforeAll(async () => {
    heldSims = [await startSimulator({ port: 0 }), await startSimulator({ port: 0 })];
    held = await startTestGateway({
      comfyui: {
        backends: heldSims.map((sim, i) => ({ name: `gpu-${i}`, url: sim.url, slots: 1, weight: 1, labels: [] })),
        probe_interval_ms: 100,
      },
      // Unused images expire after a second: only a hold keeps one longer.
      images: { input_store: { max_age_s: 1, min_age_s: 1, sweep_interval_s: 3600 } },
    });
    await waitFor('every catalogue', () => held.pool.backends.list().every((backend) => backend.capabilities !== undefined));
  });
  afterAll(async () => {
    await held?.close();
    for (const sim of heldSims) await sim.close();
  });

  async function upload(name: string, color: number): Promise<string> {
    const form = new FormData();
    form.append('file', new Blob([await sampleImage('png', 10 + color, 10)], { type: 'image/png' }), name);
    const answer = await fetch(`${held.url}/api/v1/images/upload`, { method: 'POST', body: form });
    expect(answer.status).toBe(200);
    return ((await answer.json()) as { data: { name: string } }).data.name;
  }

  it('the folder cleanup never takes the image of a queued job, and takes it once the job ended', async () => {
    for (const name of ['gpu-0', 'gpu-1']) await held.call('POST', `/api/v1/backends/${name}/drain`);
    const needed = await upload('needed.png', 1);
    const spare = await upload('spare.png', 2);
    const workflow = {
      '1': { class_type: 'LoadImage', inputs: { image: needed } },
      '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
      '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'held-input' } },
    };
    const submitted = await held.call('POST', '/api/v1/workflows/submit', { workflow });
    const queued = submitted.json.data as { prompt_id: string; status: string };
    expect(queued.status).toBe('queued');

    // The unused image expires; the one the waiting job names stays.
    await waitFor('the spare image to expire', async () => (await held.inputs.sweep()).includes(spare) || undefined);
    const kept = await held.inputs.open(needed);
    expect(kept).toBeDefined();
    kept?.stream.destroy();

    await held.call('POST', '/api/v1/backends/gpu-1/resume');
    const done = await waitFor('the job to end', async () => {
      const doc = (await held.call('GET', `/api/v1/jobs/${queued.prompt_id}`)).json.data as { status: string; backend: string };
      return ['succeeded', 'failed'].includes(doc.status) ? doc : undefined;
    });
    expect([done.status, done.backend]).toEqual(['succeeded', 'gpu-1']);
    await waitFor('the needed image to expire once its job ended', async () => (await held.inputs.sweep()).includes(needed) || undefined);
    await held.call('POST', '/api/v1/backends/gpu-0/resume');
  });
});
