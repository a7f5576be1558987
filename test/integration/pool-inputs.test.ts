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
