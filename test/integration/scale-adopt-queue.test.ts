// kill -9 of a gateway process with one job running on the backend and more waiting in its own gateway queue (one
// slot): the survivor adopts them all. The running one is followed live under the dead process's client id, so its
// caller's WebSocket on the survivor hears `progress` sent after the kill (polling never produces one); the waiting
// ones join the survivor's queue from the payload the dead process kept in Redis, at their place in line (ahead of
// a job submitted to the survivor after them), and each runs exactly once. A
// waiting job whose payload is gone fails as `gateway_lost`; one whose input image only the dead process had fails
// saying the processes must share the input folder. Run lengths are steered through the simulator's step time, and
// every wait is for an event, never for time.
import { startSimulator, type Simulator } from 'comfyui-sim';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleImage } from '../fixtures/images/samples.js';
import type { GatewayProcess } from '../helpers/gateway-process.js';
import { redisAvailable, testRedisUrl } from '../helpers/redis.js';
import { startTwoGateways, type TwoGateways } from '../helpers/two-gateways.js';
import { waitFor } from '../helpers/wait.js';
import { openSocket, type Message } from '../helpers/ws-client.js';
import { samplerWorkflow } from '../helpers/workflows.js';

const enabled = await redisAvailable();
if (!enabled) console.warn(`Redis does not answer at ${testRedisUrl}: the queue adoption test is skipped`);

const CALLER = 'adopt-queue';

describe.runIf(enabled)('a process killed with jobs running and waiting in its own queue', { timeout: 120_000 }, () => {
  let sim: Simulator;
  let a: GatewayProcess;
  let b: GatewayProcess;
  let redis: Redis;
  let pair: TwoGateways | undefined;
  /** Every Redis key of the pair starts with it. */
  let prefix = '';
  /** What the simulator sent: how many times each prompt started, and the last progress value of each. */
  const starts = new Map<string, number>();
  const startOrder: string[] = [];
  const lastProgress = new Map<string, number>();

  beforeAll(async () => {
    sim = await startSimulator({
      port: 0,
      host: '127.0.0.1',
      // A KSampler step takes 100 ms until the test lets the runs go (stepMs = 0).
      stepMs: 100,
      onSend(event, data) {
        const promptId = (data as { prompt_id?: unknown } | null)?.prompt_id;
        if (typeof promptId !== 'string') return;
        if (event === 'execution_start') {
          starts.set(promptId, (starts.get(promptId) ?? 0) + 1);
          startOrder.push(promptId);
        }
        if (event === 'progress') lastProgress.set(promptId, (data as { value: number }).value);
      },
    });
    const config = {
      comfyui: { backends: [{ name: 'only', url: sim.url, slots: 1, weight: 1, labels: [] }] },
      jobs: { poll_interval_ms: 200 },
      locale: 'en',
    };
    pair = await startTwoGateways(config);
    ({ a, b, prefix } = pair);
    redis = new Redis(testRedisUrl, { maxRetriesPerRequest: 1 });
  }, 60_000);
  afterAll(async () => {
    await pair?.stop();
    await sim?.close();
    redis?.disconnect();
  });

  async function submit(to: GatewayProcess, workflow: object): Promise<{ prompt_id: string; status?: string }> {
    const response = await fetch(`${to.url}/api/v1/workflows/submit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workflow, client_id: CALLER }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { data: { prompt_id: string; status?: string } }).data;
  }

  const jobOnB = async (id: string) =>
    ((await fetch(`${b.url}/api/v1/jobs/${id}`).then((r) => r.json())) as { data: { status: string; error?: { type: string; message: string } } })
      .data;

  it('loses no job: the running one is followed live on the survivor, the waiting ones run there once each', async () => {
    const socket = await openSocket(`${b.url.replace(/^http/, 'ws')}/api/v1/ws/${CALLER}`);
    try {
      // An input image only A's folder has.
      const form = new FormData();
      form.append('file', new Blob([await sampleImage('png', 8, 8)], { type: 'image/png' }), 'only-on-a.png');
      const uploaded = await fetch(`${a.url}/api/v1/images/upload`, { method: 'POST', body: form });
      expect(uploaded.status).toBe(200);
      const image = ((await uploaded.json()) as { data: { name: string } }).data.name;

      const running = (await submit(a, samplerWorkflow(600, 1))).prompt_id;
      await socket.until((m) => m.type === 'progress' && m.data?.prompt_id === running, 30_000);
      const waiting = [];
      for (const seed of [2, 3, 4]) waiting.push(await submit(a, samplerWorkflow(2, seed)));
      const lost = await submit(a, samplerWorkflow(2, 5));
      const needsImage = await submit(a, {
        '1': { class_type: 'LoadImage', inputs: { image } },
        '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
        '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'adopt-queue' } },
      });
      // Submitted to B after A's jobs, by the same caller at the same priority: it must wait for them.
      const later = await submit(b, samplerWorkflow(2, 6));
      for (const job of [...waiting, lost, needsImage, later]) expect(job.status).toBe('queued');
      // One payload gone from Redis (as if it expired): that job cannot be sent by anyone.
      const lostKey = `${prefix}held:${lost.prompt_id}`;
      await waitFor('A to keep the waiting job in Redis', async () => (await redis.exists(lostKey)) === 1);
      await redis.del(lostKey);

      // The simulator runs in this process: nothing it sends comes between reading the last value and the kill.
      const valueAtKill = lastProgress.get(running) ?? 0;
      const killedAt = Date.now();
      process.kill(a.pid, 'SIGKILL');
      // Sent after the kill, so only a socket B opened under A's client id can have carried it here.
      const live = await socket.until(
        (m) => m.type === 'progress' && m.data?.prompt_id === running && (m.data.value as number) > valueAtKill,
        40_000,
      );
      expect(live.at(-1)?.data?.value).toBeGreaterThan(valueAtKill);
      const liveAfterMs = Date.now() - killedAt;
      // Log lines reach stdout in batches: the line may come a little after the event it tells of.
      await waitFor('B to log that it follows A\'s jobs live', () => b.lines.some((line) => line.includes('following adopted jobs live')));
      sim.faults.stepMs = 0;

      const ids = [running, ...waiting.map((job) => job.prompt_id), later.prompt_id];
      const ends = [...ids, lost.prompt_id, needsImage.prompt_id];
      const ended = new Set<string>();
      const note = (m: Message): boolean => {
        const id = m.data?.prompt_id;
        if ((m.type === 'execution_success' || m.type === 'execution_error') && typeof id === 'string') ended.add(id);
        return ends.every((end) => ended.has(end));
      };
      const seen: Message[] = [...live];
      // Some may have ended while the live progress was awaited.
      if (!live.map(note).at(-1)) seen.push(...(await socket.until(note, 60_000)));
      // Figures for docs/scaling.md: the liveness (5 s) and the adoption round (1 s) bound the first; the second adds
      // the dead process's slot lease (up to 15 s) and the runs.
      console.info(`kill -9 → progress heard live on the survivor: ${liveAfterMs} ms; → every job ended: ${Date.now() - killedAt} ms`);
      for (const id of ids) {
        expect(seen.filter((m) => m.type === 'execution_success' && m.data?.prompt_id === id)).toHaveLength(1);
        expect((await jobOnB(id)).status).toBe('succeeded');
        expect(starts.get(id)).toBe(1);
      }
      const history = (await fetch(`${sim.url}/history`).then((r) => r.json())) as Record<string, unknown>;
      for (const id of ids) expect(Object.keys(history).filter((key) => key === id)).toHaveLength(1);

      const lostJob = await jobOnB(lost.prompt_id);
      expect([lostJob.status, lostJob.error?.type]).toEqual(['failed', 'gateway_lost']);
      expect(lostJob.error?.message).toContain('submit it again');
      const imageJob = await jobOnB(needsImage.prompt_id);
      expect([imageJob.status, imageJob.error?.type]).toEqual(['failed', 'input_not_shared']);
      expect(imageJob.error?.message).toContain('must share one input folder');
      expect(imageJob.error?.message).toContain(image);
      for (const id of [lost.prompt_id, needsImage.prompt_id]) expect(starts.get(id)).toBeUndefined();
      // The adopted jobs kept their place in line: ahead of B's own job that came after them.
      expect(startOrder).toEqual(ids);
      // Nothing is left waiting in Redis: every payload went when its job was sent or ended.
      await waitFor('every held payload to be gone', async () => (await redis.keys(`${prefix}held:*`)).length === 0);
    } finally {
      sim.faults.stepMs = 0;
      await socket.close();
    }
  });
});
