// A gateway process frozen (SIGSTOP) past its liveness is adopted like a dead one; when it comes back (SIGCONT) it
// still holds, in its own queue, the job the survivor took over. It must let that job go, not send it a second
// time: the job runs once, from the survivor. Run lengths are steered through the simulator's step time, and
// every wait is for an event or a state, never for time.
import { startSimulator, type Simulator } from 'comfyui-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayProcess } from '../helpers/gateway-process.js';
import { redisAvailable, testRedisUrl } from '../helpers/redis.js';
import { startTwoGateways, type TwoGateways } from '../helpers/two-gateways.js';
import { waitFor } from '../helpers/wait.js';
import { samplerWorkflow } from '../helpers/workflows.js';

const enabled = await redisAvailable();
if (!enabled) console.warn(`Redis does not answer at ${testRedisUrl}: the frozen-process test is skipped`);

describe.runIf(enabled)('a process frozen past its liveness, then back', { timeout: 120_000 }, () => {
  let sim: Simulator;
  let a: GatewayProcess;
  let b: GatewayProcess;
  let pair: TwoGateways | undefined;
  const starts = new Map<string, number>();

  beforeAll(async () => {
    sim = await startSimulator({
      port: 0,
      host: '127.0.0.1',
      stepMs: 100,
      onSend(event, data) {
        const promptId = (data as { prompt_id?: unknown } | null)?.prompt_id;
        if (event === 'execution_start' && typeof promptId === 'string') starts.set(promptId, (starts.get(promptId) ?? 0) + 1);
      },
    });
    const config = {
      comfyui: { backends: [{ name: 'only', url: sim.url, slots: 1, weight: 1, labels: [] }] },
      jobs: { poll_interval_ms: 200, watchdog_silence_ms: 1_000 },
      locale: 'en',
    };
    pair = await startTwoGateways(config);
    ({ a, b } = pair);
  }, 60_000);
  afterAll(async () => {
    if (a) process.kill(a.pid, 'SIGCONT');
    await pair?.stop();
    await sim?.close();
  });

  async function submitToA(workflow: object): Promise<{ prompt_id: string; status?: string }> {
    const response = await fetch(`${a.url}/api/v1/workflows/submit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workflow }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { data: { prompt_id: string; status?: string } }).data;
  }
  const pendingOn = async (gateway: GatewayProcess) =>
    ((await fetch(`${gateway.url}/api/v1/queue/status`).then((r) => r.json())) as { data: { queue_pending: { prompt_id: string }[] } }).data
      .queue_pending.map((entry) => entry.prompt_id);

  it('lets go of the job the survivor adopted: it runs once', async () => {
    try {
      const running = (await submitToA(samplerWorkflow(600, 11))).prompt_id;
      await waitFor('the first job to start', () => starts.has(running), 30_000);
      const waiting = await submitToA(samplerWorkflow(2, 12));
      expect(waiting.status).toBe('queued');

      process.kill(a.pid, 'SIGSTOP');
      await waitFor('B to adopt the frozen process', () => b.lines.some((line) => line.includes('adopted jobs taken over')), 30_000);
      process.kill(a.pid, 'SIGCONT');
      await waitFor('A to learn its jobs were adopted', () => a.lines.some((line) => line.includes('another to adopt its open jobs')), 30_000);
      expect(await pendingOn(a)).not.toContain(waiting.prompt_id);
      sim.faults.stepMs = 0;

      await waitFor('the waiting job to succeed on B', async () => {
        const job = (await fetch(`${b.url}/api/v1/jobs/${waiting.prompt_id}`).then((r) => r.json())) as { data: { status: string } };
        return job.data.status === 'succeeded';
      }, 60_000);
      // Nothing of it left anywhere that could still send it: not in A's queue, not in the simulator's.
      await waitFor('every queue to be empty', async () => (await pendingOn(a)).length === 0 && (await pendingOn(b)).length === 0, 30_000);
      expect(starts.get(waiting.prompt_id)).toBe(1);
      expect(a.lines.some((line) => line.includes('adopted by another gateway process meanwhile'))).toBe(true);
    } finally {
      sim.faults.stepMs = 0;
    }
  });
});
