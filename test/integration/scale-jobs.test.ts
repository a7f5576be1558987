// Two real gateway processes on one real Redis in front of one simulator: a job submitted through A is followed
// through B (job document, SSE, WebSocket events of the caller's client id, downloads), and B keeps callers apart.
// The running job is held by the simulator's run time and ended by an interrupt through A, so nothing here waits on time.
import { startSimulator, type Simulator } from 'comfyui-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnGateway, type GatewayProcess } from '../helpers/gateway-process.js';
import { dropKeys, randomPrefix, redisAvailable, testRedisUrl } from '../helpers/redis.js';
import { openSocket } from '../helpers/ws-client.js';
import { emptyImageWorkflow } from '../helpers/workflows.js';

const ALICE = { 'x-api-key': 'alice-key-0123456789' };
const BOB = { 'x-api-key': 'bob-key-0123456789ab' };

interface Answer {
  status: number;
  json: { code: number; message: string; data: Record<string, unknown> | null };
}

async function call(gw: GatewayProcess, method: string, target: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const init: RequestInit = { method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(gw.url + target, init);
  return { status: response.status, json: (await response.json()) as Answer['json'] };
}

/** An SSE stream read frame by frame: `until(type)` takes frames until one of that event type arrives. */
async function openEvents(url: string, headers: Record<string, string>) {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  expect(response.status).toBe(200);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const frames: { event: string; data: Record<string, unknown> }[] = [];
  let buffer = '';
  let taken = 0;
  async function until(type: string): Promise<{ event: string; data: Record<string, unknown> }[]> {
    for (;;) {
      const at = frames.findIndex((frame, i) => i >= taken && frame.event === type);
      if (at >= 0) {
        const out = frames.slice(taken, at + 1);
        taken = at + 1;
        return out;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended before ${type}; got ${frames.map((f) => f.event).join(', ')}`);
      buffer += value;
      const parts = buffer.split('\n\n');
      buffer = parts.pop() ?? '';
      for (const part of parts) {
        const event = /^event: (.*)$/m.exec(part)?.[1];
        const data = /^data: (.*)$/m.exec(part)?.[1];
        if (event && data) frames.push({ event, data: JSON.parse(data) as Record<string, unknown> });
      }
    }
  }
  return { until, close: () => controller.abort() };
}

const enabled = await redisAvailable();
if (!enabled) console.warn(`Redis does not answer at ${testRedisUrl}: the cross-process job tests are skipped`);

describe.runIf(enabled)('a job submitted through one process, followed through another', { timeout: 60_000 }, () => {
  let sim: Simulator;
  let a: GatewayProcess;
  let b: GatewayProcess;
  const prefix = randomPrefix();

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, host: '127.0.0.1', stepMs: 1 });
    const config = {
      comfyui: { url: sim.url },
      store: { kind: 'redis', url: testRedisUrl, key_prefix: prefix, command_timeout_ms: 2_000 },
      locale: 'en',
      auth: { api_keys: [{ key: ALICE['x-api-key'], name: 'alice' }, { key: BOB['x-api-key'], name: 'bob' }] },
    };
    [a, b] = await Promise.all([spawnGateway(config), spawnGateway(config)]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await sim?.close();
    await dropKeys(prefix);
  });

  it('B answers the job document, history and downloads of a finished job A ran; another caller gets 404', async () => {
    const submitted = await call(a, 'POST', '/api/v1/workflows/submit?wait=true', { workflow: emptyImageWorkflow('scale-follow', 7) }, ALICE);
    expect(submitted.status).toBe(200);
    const id = String(submitted.json.data!.prompt_id);
    expect(submitted.json.data!.status).toBe('succeeded');

    const job = await call(b, 'GET', `/api/v1/jobs/${id}`, undefined, ALICE);
    expect(job.status).toBe(200);
    expect(job.json.data).toMatchObject({ prompt_id: id, status: 'succeeded' });
    const outputs = job.json.data!.outputs as { url: string }[];
    expect(outputs).toHaveLength(1);
    const image = await fetch(outputs[0]!.url.replace(a.url, b.url), { headers: ALICE });
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toContain('image/');

    const events = await openEvents(`${b.url}/api/v1/jobs/${id}/events`, ALICE);
    const [state] = await events.until('state');
    expect(state!.data).toMatchObject({ prompt_id: id, status: 'succeeded' });
    const [end] = await events.until('end');
    expect(end!.data).toMatchObject({ prompt_id: id, status: 'succeeded' });
    events.close();

    expect((await call(b, 'GET', `/api/v1/workflows/${id}/history`, undefined, ALICE)).status).toBe(200);
    const foreign = await call(b, 'GET', `/api/v1/jobs/${id}`, undefined, BOB);
    expect(foreign.status).toBe(404);
    expect(foreign.json.code).toBe(404);
    expect((await fetch(`${b.url}/api/v1/jobs/${id}/events`, { headers: BOB })).status).toBe(404);
  });

  it("a running job's events reach B's WebSocket and SSE stream as A relays them, up to its end", async () => {
    const socket = await openSocket(`${b.url.replace(/^http/, 'ws')}/api/v1/ws/follower`, ALICE);
    // Bob's socket under the same client_id must hear nothing of Alice's job.
    const bobSocket = await openSocket(`${b.url.replace(/^http/, 'ws')}/api/v1/ws/follower`, BOB);
    // A run of a minute (slept in slices that an interrupt ends) holds the job running until the interrupt below.
    sim.faults.runMs = 60_000;
    try {
      const submitted = await call(a, 'POST', '/api/v1/workflows/submit', { workflow: emptyImageWorkflow('scale-live', 11), client_id: 'follower' }, ALICE);
      expect(submitted.status).toBe(200);
      const id = String(submitted.json.data!.prompt_id);

      await socket.until((m) => m.type === 'execution_start' && m.data?.prompt_id === id, 20_000);
      const running = await call(b, 'GET', `/api/v1/jobs/${id}`, undefined, ALICE);
      expect(running.json.data).toMatchObject({ prompt_id: id, status: 'running' });
      expect((await call(b, 'GET', `/api/v1/jobs/${id}`, undefined, BOB)).status).toBe(404);

      const events = await openEvents(`${b.url}/api/v1/jobs/${id}/events`, ALICE);
      const [state] = await events.until('state');
      expect(state!.data).toMatchObject({ prompt_id: id, status: 'running' });

      const stopped = await call(a, 'POST', '/api/v1/workflows/interrupt', { prompt_id: id }, ALICE);
      expect(stopped.json.data).toMatchObject({ action: 'interrupted' });

      const tail = await events.until('end');
      expect(tail.map((frame) => frame.event)).toContain('execution_interrupted');
      expect(tail.at(-1)!.data).toMatchObject({ prompt_id: id, status: 'interrupted' });
      await socket.until((m) => m.type === 'execution_interrupted' && m.data?.prompt_id === id, 20_000);
      events.close();

      const after = await call(b, 'GET', `/api/v1/jobs/${id}`, undefined, ALICE);
      expect(after.json.data).toMatchObject({ prompt_id: id, status: 'interrupted' });
      expect(bobSocket.received.filter((m) => m.data?.prompt_id === id)).toEqual([]);
    } finally {
      sim.faults.runMs = null;
      await Promise.all([socket.close(), bobSocket.close()]);
    }
  });
});
