// No job stays running forever: with ComfyUI's event stream gone for good, the watchdog finishes a job from
// history; after ComfyUI restarted and forgot the prompt, the job fails with the reason.
import { afterEach, describe, expect, it } from 'vitest';
import type { JobDocument } from '../../src/jobs/job-document.js';
import { openSse } from '../helpers/sse.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait.js';
import { emptyImageWorkflow, samplerWorkflow } from '../helpers/workflows.js';

describe('jobs: the watchdog', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  async function start(reconnectMs: number) {
    stack = await startStack(
      {
        locale: 'en',
        // A reconnect delay longer than the test keeps the event stream down once it drops.
        comfyui: { ws_reconnect_min_ms: reconnectMs, ws_reconnect_max_ms: reconnectMs },
        jobs: { watchdog_silence_ms: 300, poll_interval_ms: 50 },
      },
      { stepMs: 2 },
    );
    const { sim, gw } = stack;
    await waitFor('the upstream stream', () => gw.events.connected);
    return { sim, gw };
  }

  it('finishes a job from history when the upstream WebSocket drops mid-job and stays down', async () => {
    const { sim, gw } = await start(60_000);
    sim.faults.stepMs = 10;
    const waiting = gw.call('POST', '/api/v1/workflows/submit?wait=true&timeout=20', {
      workflow: samplerWorkflow(30, 7),
    });
    await waitFor('the job running', () => gw.tracker.unfinished().find((job) => job.status === 'running'));
    sim.faults.dropWebSockets();
    await waitFor('the stream down', () => !gw.events.connected);

    const answer = await waiting;
    expect(answer.status).toBe(200);
    const data = answer.json.data as JobDocument;
    expect(data.status).toBe('succeeded');
    expect(data.outputs.map((o) => o.node)).toEqual(['9']);
    expect(data.outputs[0]!.url).toContain('/api/v1/images/download');
    // The end came through the watchdog, not through a reconnected stream.
    expect(gw.events.connected).toBe(false);
  });

  it('finishes a job whose every event was lost (submitted while the stream was down)', async () => {
    const { sim, gw } = await start(60_000);
    // Drop the stream before submitting: the job's events all go to nobody.
    sim.faults.dropWebSockets();
    await waitFor('the stream down', () => !gw.events.connected);
    const answer = await gw.call('POST', '/api/v1/workflows/submit?wait=true&timeout=20', {
      workflow: emptyImageWorkflow('watchdog-quiet', 5),
    });
    expect(answer.json.data).toMatchObject({ status: 'succeeded', outputs: [{ node: '2' }] });
  });

  it('fails an open job with the reason after ComfyUI restarted and forgot it', async () => {
    const { sim, gw } = await start(20);
    sim.faults.stepMs = 50;
    const submitted = await gw.call('POST', '/api/v1/workflows/submit', { workflow: samplerWorkflow(200, 9) });
    const id = (submitted.json.data as { prompt_id: string }).prompt_id;
    const stream = await openSse(`${gw.url}/api/v1/jobs/${id}/events`);
    try {
      await stream.until((e) => e.event === 'progress');
      await sim.restart();
      const end = await stream.until((e) => e.event === 'end', 10_000);
      expect(end.data).toMatchObject({
        prompt_id: id,
        status: 'failed',
        error: { node: null, type: 'prompt_lost', message: 'ComfyUI no longer knows this prompt; it was probably restarted' },
      });
      expect(stream.events.map((e) => e.event)).toContain('execution_error');
      const doc = await gw.call('GET', `/api/v1/jobs/${id}`);
      expect(doc.json.data).toMatchObject({ status: 'failed' });
    } finally {
      stream.close();
    }
  });
});
