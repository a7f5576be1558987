// Upstream faults with the simulator's switches: late answers, garbage and plain-text 500s, a ComfyUI that restarts
// and forgets its history, one that dies in the middle of a job. The gateway answers 1001 (naming the address)
// while it lasts, hangs nowhere, and works again by itself afterwards. (A ComfyUI down at start and dropped or
// silent WebSockets are covered by upstream-down.test.ts and upstream-ws.test.ts.)
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from 'comfyui-sim';
import type { TestGateway } from '../helpers/gateway.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { openSocket } from '../helpers/ws-client.js';
import { waitFor } from '../helpers/wait.js';
import { emptyImageWorkflow, samplerWorkflow } from '../helpers/workflows.js';

const REQUEST_TIMEOUT_MS = 500;
/** Slack for a loaded machine on top of the configured timeout. */
const SLACK_MS = 1_500;

interface JobDoc {
  status: string;
  error: { type: string; message: string } | null;
}

describe('upstream faults', () => {
  let stack: Stack;
  let sim: Simulator;
  let gw: TestGateway;
  let seed = 1;
  let address: string;

  beforeAll(async () => {
    stack = await startStack(
      {
        comfyui: {
          connect_timeout_ms: 300,
          request_timeout_ms: REQUEST_TIMEOUT_MS,
          ws_reconnect_min_ms: 20,
          ws_reconnect_max_ms: 100,
        },
        jobs: { watchdog_silence_ms: 200, poll_interval_ms: 100 },
      },
      { stepMs: 2 },
    );
    ({ sim, gw } = stack);
    address = new URL(sim.url).host;
    await waitFor('the upstream stream', () => gw.events.connected);
  });
  afterEach(async () => sim.faults.reset());
  afterAll(async () => stack?.close());

  /** The routes that read from ComfyUI, each answering within the timeout. */
  const probes = (): [string, string, unknown][] => [
    ['GET', '/api/v1/queue/status', undefined],
    ['POST', '/api/v1/workflows/submit', { workflow: emptyImageWorkflow('faults', seed++) }],
    ['GET', '/api/v1/workflows/00000000-0000-4000-8000-000000000000/history', undefined],
    ['POST', '/api/v1/queue/clear', { clear: true }],
    ['GET', '/api/v1/images/download?filename=example.png&img_type=input', undefined],
  ];

  async function expectAll1001(reason: RegExp, skip: string[] = []): Promise<void> {
    for (const [method, urlPath, body] of probes().filter(([, urlPath]) => !skip.includes(urlPath))) {
      const started = performance.now();
      const answer = await gw.call(method, urlPath, body);
      const elapsed = performance.now() - started;
      expect({ route: `${method} ${urlPath}`, code: answer.json.code, data: answer.json.data }).toEqual({
        route: `${method} ${urlPath}`,
        code: 1001,
        data: null,
      });
      expect(answer.status).toBe(502);
      expect(answer.json.message, urlPath).toContain(address);
      expect(answer.json.message, urlPath).toMatch(reason);
      expect(elapsed, urlPath).toBeLessThan(REQUEST_TIMEOUT_MS + SLACK_MS);
    }
    // /health says the same with 503.
    const health = await gw.call('GET', '/health');
    expect([health.status, health.json.code]).toEqual([503, 1001]);
  }

  async function expectWorking(): Promise<string> {
    const submitted = await gw.call('POST', '/api/v1/workflows/submit', { workflow: emptyImageWorkflow('ok', seed++) });
    expect(submitted.status, JSON.stringify(submitted.json)).toBe(200);
    expect((await gw.call('GET', '/api/v1/queue/status')).status).toBe(200);
    return (submitted.json.data as { prompt_id: string }).prompt_id;
  }

  it('answers later than request_timeout_ms: 1001 "timed out" within the timeout, then works again', async () => {
    sim.faults.httpDelayMs = REQUEST_TIMEOUT_MS * 4;
    await expectAll1001(/timed out|超时/);
    sim.faults.httpDelayMs = 0;
    await expectWorking();
  });

  it('garbage 200 bodies and plain-text 500s: 1001 naming the address, then works again', async () => {
    sim.faults.garbage = true;
    // ComfyUI answers POST /queue with an empty 200 and the gateway reads nothing from it, and /view's 200 body is
    // the file itself, whatever it holds (sent as an opaque download): a garbage 200 there is indistinguishable.
    await expectAll1001(/./, ['/api/v1/queue/clear', '/api/v1/images/download?filename=example.png&img_type=input']);
    sim.faults.garbage = false;
    sim.faults.text500 = true;
    await expectAll1001(/500/);
    sim.faults.text500 = false;
    await expectWorking();
  });

  it('a restart that forgets history: no crash, the forgotten job is failed, later submissions work', async () => {
    // A job that is still running when ComfyUI restarts: the restart forgets it.
    const answer = await gw.call('POST', '/api/v1/workflows/submit', { workflow: samplerWorkflow(400, seed++) });
    expect(answer.status).toBe(200);
    const forgotten = (answer.json.data as { prompt_id: string }).prompt_id;
    await sim.restart();

    const job = await waitFor('the forgotten job to be failed', async () => {
      const doc = await gw.call('GET', `/api/v1/jobs/${forgotten}`);
      const data = doc.json.data as JobDoc | null;
      return data?.status === 'failed' ? data : undefined;
    });
    expect(job.error?.message).toMatch(/.+/);

    await waitFor('the upstream stream after the restart', () => gw.events.connected);
    const later = await expectWorking();
    const done = await waitFor('the later job to succeed', async () => {
      const data = (await gw.call('GET', `/api/v1/jobs/${later}`)).json.data as JobDoc | null;
      return data?.status === 'succeeded' ? data : undefined;
    });
    expect(done.error).toBeNull();
  });

  it('ComfyUI dies mid-job: 1001 meanwhile, and on its return the job finishes and events flow, without a restart', async () => {
    const socket = await openSocket(`${gw.url.replace(/^http/, 'ws')}/api/v1/ws/faults-mid-job`);
    try {
      await socket.next();
      const answer = await gw.call('POST', '/api/v1/workflows/submit', {
        workflow: samplerWorkflow(60, seed++),
        client_id: 'faults-mid-job',
      });
      const promptId = (answer.json.data as { prompt_id: string }).prompt_id;
      await socket.until((m) => m.type === 'progress' && m.data?.prompt_id === promptId);

      await sim.faults.setRefuseConnections(true);
      await expectAll1001(/./);
      await sim.faults.setRefuseConnections(false);

      await waitFor('the upstream stream to come back', () => gw.events.connected);
      const job = await waitFor('the job to finish', async () => {
        const data = (await gw.call('GET', `/api/v1/jobs/${promptId}`)).json.data as JobDoc | null;
        return data && data.status !== 'running' && data.status !== 'queued' ? data : undefined;
      });
      expect(job.status).toBe('succeeded');
      // A new job's events reach the caller's socket again.
      const next = await gw.call('POST', '/api/v1/workflows/submit', {
        workflow: emptyImageWorkflow('after-outage', seed++),
        client_id: 'faults-mid-job',
      });
      const nextId = (next.json.data as { prompt_id: string }).prompt_id;
      await socket.until((m) => m.type === 'execution_success' && m.data?.prompt_id === nextId);
    } finally {
      await socket.close();
    }
  });
});
