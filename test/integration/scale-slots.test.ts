// Backend slots across two real gateway processes on one real Redis: a ComfyUI with slots 1 never holds two prompts
// at once, whichever process sent them. The simulator reports its queue length on every change (the `status` event
// ComfyUI broadcasts); the largest it ever said is what the test checks.
import { startSimulator, type Simulator } from 'comfyui-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayProcess } from '../helpers/gateway-process.js';
import { redisAvailable, testRedisUrl } from '../helpers/redis.js';
import { startTwoGateways, type TwoGateways } from '../helpers/two-gateways.js';
import { uncachedWorkflow } from '../helpers/workflows.js';

const enabled = await redisAvailable();
if (!enabled) console.warn(`Redis does not answer at ${testRedisUrl}: the shared slot tests are skipped`);

describe.runIf(enabled)('slots shared by two gateway processes', { timeout: 90_000 }, () => {
  let sim: Simulator;
  let pair: TwoGateways;
  let mostInComfy = 0;

  beforeAll(async () => {
    sim = await startSimulator({
      port: 0,
      host: '127.0.0.1',
      // Long enough that both processes have work in flight at once.
      runMs: 150,
      onSend: (event, data) => {
        if (event !== 'status') return;
        const remaining = (data as { status?: { exec_info?: { queue_remaining?: number } } }).status?.exec_info?.queue_remaining;
        if (typeof remaining === 'number') mostInComfy = Math.max(mostInComfy, remaining);
      },
    });
    pair = await startTwoGateways({ comfyui: { backends: [{ name: 'only', url: sim.url, slots: 1, weight: 1, labels: [] }] } });
  }, 60_000);
  afterAll(async () => {
    await pair?.stop();
    await sim?.close();
  });

  it('four jobs through each process all succeed, and the backend never holds two', async () => {
    const submit = async (gw: GatewayProcess, name: string) => {
      const response = await fetch(`${gw.url}/api/v1/workflows/submit?wait=true&timeout=60`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ workflow: uncachedWorkflow(name) }),
      });
      expect(response.status).toBe(200);
      // A job that waited in the gateway's queue answers `status: queued` (the submit answer's own field wins over
      // the document's); its end shows in finished_at, error and outputs.
      const { data } = (await response.json()) as { data: { finished_at: string | null; error: unknown; outputs: unknown[] } };
      return data.finished_at !== null && data.error === null && data.outputs.length === 1;
    };
    const done = await Promise.all([0, 1, 2, 3].flatMap((i) => [submit(pair.a, `slots-a-${i}`), submit(pair.b, `slots-b-${i}`)]));
    expect(done).toEqual(Array(8).fill(true));
    // The simulator did see work: a queue of one at least.
    expect(mostInComfy).toBe(1);
  });
});
