// kill -9 of the gateway process that submitted a running job: another process adopts the job (its liveness key
// expired), catches up from ComfyUI, and the job ends for everyone who follows it through the survivor (job
// document, an SSE stream opened before the kill, the caller's WebSocket). The job is held running by the
// simulator's run time until it is interrupted through the survivor, so nothing here waits on time. Jobs waiting in
// the killed process's own queue, and progress heard live after the kill: scale-adopt-queue.test.ts.
import { startSimulator, type Simulator } from 'comfyui-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayProcess } from '../helpers/gateway-process.js';
import { redisAvailable, testRedisUrl } from '../helpers/redis.js';
import { startTwoGateways, type TwoGateways } from '../helpers/two-gateways.js';
import { waitFor } from '../helpers/wait.js';
import { openSocket } from '../helpers/ws-client.js';
import { emptyImageWorkflow } from '../helpers/workflows.js';

const ALICE = { 'x-api-key': 'alice-key-0123456789' };

const enabled = await redisAvailable();
if (!enabled) console.warn(`Redis does not answer at ${testRedisUrl}: the adoption test is skipped`);

describe.runIf(enabled)('a process killed with a job running', { timeout: 90_000 }, () => {
  let sim: Simulator;
  let a: GatewayProcess;
  let b: GatewayProcess;
  let pair: TwoGateways | undefined;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, host: '127.0.0.1' });
    const config = {
      comfyui: { url: sim.url },
      jobs: { poll_interval_ms: 200 },
      locale: 'en',
      auth: { api_keys: [{ key: ALICE['x-api-key'], name: 'alice' }] },
    };
    pair = await startTwoGateways(config);
    ({ a, b } = pair);
  }, 60_000);
  afterAll(async () => {
    await pair?.stop();
    await sim?.close();
  });

  it('is adopted by the survivor, which follows it to its end for every follower', async () => {
    const socket = await openSocket(`${b.url.replace(/^http/, 'ws')}/api/v1/ws/adopted`, ALICE);
    // Runs until interrupted (the simulator sleeps its run time in slices an interrupt ends).
    sim.faults.runMs = 600_000;
    try {
      const submitted = await fetch(`${a.url}/api/v1/workflows/submit`, {
        method: 'POST',
        headers: { ...ALICE, 'content-type': 'application/json' },
        body: JSON.stringify({ workflow: emptyImageWorkflow('adopt', 21), client_id: 'adopted' }),
      });
      expect(submitted.status).toBe(200);
      const id = ((await submitted.json()) as { data: { prompt_id: string } }).data.prompt_id;
      await socket.until((m) => m.type === 'execution_start' && m.data?.prompt_id === id, 20_000);
      const events = await fetch(`${b.url}/api/v1/jobs/${id}/events`, { headers: ALICE });
      expect(events.status).toBe(200);

      process.kill(a.pid, 'SIGKILL');
      await waitFor('B to adopt the job', () => b.lines.some((line) => line.includes('adopting the open jobs')), 30_000);
      const stopped = await fetch(`${b.url}/api/v1/workflows/interrupt`, {
        method: 'POST',
        headers: { ...ALICE, 'content-type': 'application/json' },
        body: JSON.stringify({ prompt_id: id }),
      });
      expect(stopped.status).toBe(200);

      const text = await events.text();
      expect(text).toContain('event: end');
      expect(text.slice(text.lastIndexOf('event: end'))).toContain('"status":"interrupted"');
      const job = await fetch(`${b.url}/api/v1/jobs/${id}`, { headers: ALICE }).then((r) => r.json() as Promise<{ data: { status: string } }>);
      expect(job.data.status).toBe('interrupted');
      await socket.until((m) => m.type === 'execution_interrupted' && m.data?.prompt_id === id, 20_000);
    } finally {
      sim.faults.runMs = null;
      await socket.close();
    }
  });
});
