// ?wait=true on a job that first waited in the gateway's queue: the answer is the job as it ended, not as it was
// when it was accepted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from 'comfyui-sim';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { emptyImageWorkflow } from '../helpers/workflows.js';
import { waitFor } from '../helpers/wait.js';

let sim: Simulator;
let gw: TestGateway;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, runMs: 300 });
  gw = await startTestGateway({
    comfyui: { backends: [{ name: 'only', url: sim.url, slots: 1, weight: 1, labels: [] }], probe_interval_ms: 100 },
  });
  await waitFor('the catalogue', () => gw.pool.backends.list().every((backend) => backend.capabilities !== undefined));
});
afterAll(async () => {
  await gw?.close();
  await sim?.close();
});

describe('waiting on a job that was held in the gateway', () => {
  it('answers with the ended job: succeeded, its ComfyUI number, no queue position', async () => {
    const first = await gw.call('POST', '/api/v1/workflows/submit', { workflow: emptyImageWorkflow('held-first', 1) });
    expect(typeof (first.json.data as { number: unknown }).number).toBe('number');
    const second = await gw.call('POST', '/api/v1/workflows/submit?wait=true&timeout=20', {
      workflow: emptyImageWorkflow('held-second', 2),
    });
    expect(second.status, JSON.stringify(second.json)).toBe(200);
    const data = second.json.data as { status: string; number: unknown; queue_position: unknown; outputs: unknown[] };
    expect([data.status, typeof data.number, data.queue_position]).toEqual(['succeeded', 'number', null]);
    expect(data.outputs.length).toBe(1);
  });
});
