// Prompts the gateway removes from ComfyUI's queue (queue/clear with `delete` or `clear`, interrupt while pending)
// end at once as `cancelled`, with the reason, through wait, SSE, WebSocket and webhooks alike; an interrupt of the
// running prompt ends it as `interrupted`. Real gateway, real simulator, a real webhook receiver.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from 'comfyui-sim';
import type { TestGateway } from '../helpers/gateway.js';
import { openSse } from '../helpers/sse.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait.js';
import { openSocket } from '../helpers/ws-client.js';
import { uncachedWorkflow } from '../helpers/workflows.js';

const SECRET = `whsec_${Buffer.from('cancel test key: 32 bytes long!!').toString('base64')}`;

interface Job {
  prompt_id: string;
  status: string;
  started_at: string | null;
  finished_at: string | null;
  error: { node: string | null; type: string; message: string } | null;
}

describe('removed and interrupted jobs', () => {
  let stack: Stack;
  let sim: Simulator;
  let gw: TestGateway;
  let receiver: Server;
  let hookBase: string;
  const hooks: { path: string; body: { type: string; data: Job } }[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        hooks.push({ path: req.url ?? '/', body: JSON.parse(body) as { type: string; data: Job } });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    hookBase = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    stack = await startStack({
      locale: 'en',
      // The watchdog would otherwise be what ends a removed job: keep it out of the picture.
      jobs: { watchdog_silence_ms: 600_000, poll_interval_ms: 600_000 },
      webhooks: { secret: SECRET, initial_delay_ms: 1, max_delay_ms: 5, allow_hosts: ['127.0.0.1'] },
    });
    ({ sim, gw } = stack);
    await waitFor('the upstream stream', () => (gw.events.connected ? true : undefined));
  });
  afterEach(async () => {
    await gw.call('POST', '/api/v1/queue/clear', { clear: true });
    await sim.faults.reset();
    await waitFor('an idle queue', async () => {
      const data = (await gw.call('GET', '/api/v1/queue/status')).json.data as { running_count: number };
      return data.running_count === 0 ? true : undefined;
    });
  });
  afterAll(async () => {
    await stack?.close();
    receiver?.closeAllConnections();
    await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  });

  async function submit(extra: Record<string, unknown> = {}): Promise<string> {
    const answer = await gw.call('POST', '/api/v1/workflows/submit', { workflow: uncachedWorkflow('c'), ...extra });
    expect(answer.status, JSON.stringify(answer.json)).toBe(200);
    return (answer.json.data as { prompt_id: string }).prompt_id;
  }

  /** A prompt that runs for a while (node work in the simulator), so the ones after it stay pending. */
  async function busy(): Promise<string> {
    sim.faults.nodeDelayMs = { EmptyImage: 1500 };
    const id = await submit();
    await waitFor('a running prompt', async () => {
      const data = (await gw.call('GET', '/api/v1/queue/status')).json.data as { queue_running: { prompt_id: string }[] };
      return data.queue_running[0]?.prompt_id === id ? true : undefined;
    });
    return id;
  }

  async function job(id: string): Promise<Job> {
    return (await gw.call('GET', `/api/v1/jobs/${id}`)).json.data as Job;
  }

  function hookOf(path: string) {
    return waitFor(`the webhook ${path}`, () => hooks.find((hook) => hook.path === path));
  }

  it('delete: the job ends at once as cancelled, heard on SSE, the WebSocket and its webhook', async () => {
    const running = await busy();
    const socket = await openSocket(`${gw.url.replace('http', 'ws')}/api/v1/ws/canceller`);
    try {
      const id = await submit({ client_id: 'canceller', webhook: `${hookBase}/delete` });
      const sse = await openSse(`${gw.url}/api/v1/jobs/${id}/events`);
      await sse.until((event) => event.event === 'state');
      const answer = await gw.call('POST', '/api/v1/queue/clear', { delete: [id] });
      expect(answer.json.data).toMatchObject({ deleted: [id] });

      const events = await sse.finished();
      const cancelled = events.find((event) => event.event === 'execution_cancelled');
      expect(cancelled?.data).toMatchObject({ prompt_id: id, reason: 'removed' });
      expect(events.at(-1)).toMatchObject({ event: 'end', data: { prompt_id: id, status: 'cancelled', started_at: null } });

      const heard = await socket.until((message) => message.type === 'execution_cancelled' && message.data?.prompt_id === id);
      expect(heard.at(-1)?.data).toMatchObject({ reason: 'removed', message: 'The prompt was removed from the queue before it started' });

      const hook = await hookOf('/delete');
      expect(hook.body).toMatchObject({ type: 'job.cancelled', data: { prompt_id: id, status: 'cancelled', started_at: null } });

      const document = await job(id);
      expect(document).toMatchObject({ status: 'cancelled', started_at: null, error: { type: 'removed', node: null } });
      expect(document.finished_at).not.toBeNull();
      // The running prompt was not touched.
      expect((await job(running)).status).not.toBe('cancelled');
    } finally {
      await socket.close();
    }
  });

  it('clear: a caller waiting on a pending prompt hears cancelled, not a late prompt_lost', async () => {
    await busy();
    const waiting = gw.call('POST', '/api/v1/workflows/submit?wait=true&timeout=30', { workflow: uncachedWorkflow('w') });
    const id = await waitFor('the waiting prompt to be pending', async () => {
      const data = (await gw.call('GET', '/api/v1/queue/status')).json.data as { queue_pending: { prompt_id: string }[] };
      return data.queue_pending[0]?.prompt_id;
    });
    await gw.call('POST', '/api/v1/queue/clear', { clear: true });
    const answer = await waiting;
    expect(answer.status).toBe(200);
    expect(answer.json.data).toMatchObject({ prompt_id: id, status: 'cancelled', started_at: null, error: { type: 'removed' } });
  });

  it('interrupt of a pending prompt: cancelled, reason interrupted', async () => {
    await busy();
    const id = await submit({ webhook: `${hookBase}/interrupt-pending` });
    const answer = await gw.call('POST', '/api/v1/workflows/interrupt', { prompt_id: id });
    expect(answer.json.data).toEqual({ prompt_id: id, action: 'removed' });
    const hook = await hookOf('/interrupt-pending');
    expect(hook.body).toMatchObject({ type: 'job.cancelled', data: { status: 'cancelled', error: { type: 'interrupted' } } });
    expect((await job(id)).started_at).toBeNull();
  });

  it('interrupt of the running prompt: interrupted, through SSE and its webhook', async () => {
    sim.faults.nodeDelayMs = { EmptyImage: 1500 };
    const id = await submit({ webhook: `${hookBase}/interrupt-running` });
    const sse = await openSse(`${gw.url}/api/v1/jobs/${id}/events`);
    await waitFor('the prompt to run', async () => ((await job(id)).status === 'running' ? true : undefined));
    const answer = await gw.call('POST', '/api/v1/workflows/interrupt', { prompt_id: id });
    expect(answer.json.data).toEqual({ prompt_id: id, action: 'interrupted' });
    const events = await sse.finished();
    expect(events.some((event) => event.event === 'execution_interrupted')).toBe(true);
    expect(events.at(-1)).toMatchObject({ event: 'end', data: { status: 'interrupted' } });
    const hook = await hookOf('/interrupt-running');
    expect(hook.body).toMatchObject({ type: 'job.interrupted', data: { prompt_id: id, status: 'interrupted' } });
  });
});
