// The job state machine and the things built on it, without sockets: events → status/progress/outputs/error,
// the document's shape, the wait query, waiting on the tracker's per-job event, and queue positions.
import { describe, expect, it } from 'vitest';
import { buildJobDocument } from '../../../src/jobs/job-document.js';
import { queuePosition } from '../../../src/jobs/recover.js';
import { createJobTracker } from '../../../src/jobs/tracker.js';
import { parseWaitQuery, waitForJob } from '../../../src/jobs/waiter.js';
import { createClosing } from '../../../src/jobs/closing.js';
import type { QueueItem } from '../../../src/comfy/types.js';

const imageUrl = (image: { filename: string }, base: string) => `${base}/img/${image.filename}`;
const image = (filename: string) => ({ filename, subfolder: '', type: 'output' });

function tracked(outputNodes?: string[]) {
  const tracker = createJobTracker();
  tracker.record({ promptId: 'p', clientId: 'c', scenario: 's', submittedAt: 1_000, number: 3, ...(outputNodes ? { outputNodes } : {}) });
  return tracker;
}

describe('job state', () => {
  it('moves through running to succeeded, keeping progress and de-duplicated outputs', () => {
    const tracker = tracked(['9']);
    const finished: string[] = [];
    tracker.onFinished((job) => finished.push(job.promptId));
    tracker.apply('p', { type: 'execution_start', data: { prompt_id: 'p' } }, 2_000);
    tracker.apply('p', { type: 'progress', data: { prompt_id: 'p', node: '3', value: 5, max: 20 } }, 2_100);
    const executed = { type: 'executed', data: { prompt_id: 'p', node: '9', output: { images: [image('a.png')] } } };
    tracker.apply('p', executed, 2_200);
    tracker.apply('p', executed, 2_201);
    tracker.apply('p', { type: 'executed', data: { prompt_id: 'p', node: '7', output: { images: [image('preview.png')] } } }, 2_250);
    tracker.apply('p', { type: 'execution_success', data: { prompt_id: 'p' } }, 3_000);
    tracker.apply('p', { type: 'executing', data: { prompt_id: 'p', node: null } }, 3_001);
    tracker.apply('p', { type: 'execution_error', data: { prompt_id: 'p' } }, 3_002);

    const job = tracker.get('p')!;
    expect(job).toMatchObject({ status: 'succeeded', startedAt: 2_000, finishedAt: 3_000 });
    expect(finished).toEqual(['p']);
    expect(tracker.unfinished()).toEqual([]);
    const doc = buildJobDocument(job, imageUrl, 'http://gw');
    expect(doc).toEqual({
      prompt_id: 'p',
      status: 'succeeded',
      scenario: 's',
      client_id: 'c',
      number: 3,
      queue_position: null,
      progress: { node: '3', value: 5, max: 20, percent: 25 },
      submitted_at: new Date(1_000).toISOString(),
      started_at: new Date(2_000).toISOString(),
      finished_at: new Date(3_000).toISOString(),
      // Only the manifest's output node: the preview of node 7 is not the result.
      outputs: [{ node: '9', filename: 'a.png', subfolder: '', type: 'output', url: 'http://gw/img/a.png' }],
      error: null,
    });
  });

  it('keeps the failing node and exception, and an interruption', () => {
    const tracker = tracked();
    tracker.apply('p', {
      type: 'execution_error',
      data: { prompt_id: 'p', node_id: '2', exception_type: 'RuntimeError', exception_message: 'boom' },
    });
    expect(tracker.get('p')).toMatchObject({ status: 'failed', error: { node: '2', type: 'RuntimeError', message: 'boom' } });
    const other = tracked();
    other.apply('p', { type: 'execution_interrupted', data: { prompt_id: 'p', node_id: '3' } });
    expect(other.get('p')).toMatchObject({ status: 'interrupted', error: { node: '3', type: 'interrupted' } });
  });

  it('tells only the listeners of the job concerned, and unsubscribes', () => {
    const tracker = tracked();
    tracker.record({ promptId: 'q', clientId: undefined, scenario: undefined, submittedAt: 0, number: 4 });
    const heard: string[] = [];
    const off = tracker.subscribe('p', (event) => heard.push(`p:${event.type}`));
    tracker.subscribe('q', (event) => heard.push(`q:${event.type}`));
    tracker.apply('p', { type: 'execution_start', data: { prompt_id: 'p' } });
    off();
    tracker.apply('p', { type: 'execution_success', data: { prompt_id: 'p' } });
    expect(heard).toEqual(['p:execution_start']);
  });
});

describe('waiting', () => {
  const settings = { defaultS: 60, maxS: 300 };

  it('reads the wait query: flag, default and capped timeout, output mode, and refusals', () => {
    expect(parseWaitQuery({}, settings)).toEqual({ wait: undefined });
    expect(parseWaitQuery({ wait: 'true' }, settings)).toEqual({ wait: { timeoutMs: 60_000, base64: false } });
    expect(parseWaitQuery({ wait: '1', timeout: '2.5', output: 'base64' }, settings)).toEqual({
      wait: { timeoutMs: 2_500, base64: true },
    });
    expect(parseWaitQuery({ wait: 'yes', timeout: '9999' }, settings)).toEqual({ wait: { timeoutMs: 300_000, base64: false } });
    expect(parseWaitQuery({ wait: 'perhaps' }, settings)).toMatchObject({ problem: { key: 'reason.wait_flag' } });
    expect(parseWaitQuery({ wait: 'true', timeout: '0' }, settings)).toMatchObject({ problem: { key: 'reason.wait_timeout' } });
    expect(parseWaitQuery({ wait: 'true', output: 'zip' }, settings)).toMatchObject({ problem: { key: 'reason.wait_output' } });
  });

  it('resolves on the job\'s final event, and at the timeout with the job as it stands', async () => {
    const tracker = tracked();
    const ended = waitForJob(tracker, 'p', 10_000);
    tracker.apply('p', { type: 'execution_start', data: { prompt_id: 'p' } });
    tracker.apply('p', { type: 'execution_success', data: { prompt_id: 'p' } });
    expect((await ended)?.status).toBe('succeeded');

    const open = tracked();
    expect((await waitForJob(open, 'p', 20))?.status).toBe('queued');
    const controller = new AbortController();
    const aborted = waitForJob(open, 'p', 10_000, controller.signal);
    controller.abort();
    expect((await aborted)?.status).toBe('queued');
    const closing = createClosing();
    const closed = waitForJob(open, 'p', 10_000, new AbortController().signal, closing);
    closing.close();
    expect((await closed)?.status).toBe('queued');
    expect((await waitForJob(open, 'p', 10_000, undefined, closing))?.status).toBe('queued');
    expect(await waitForJob(open, 'unknown', 10)).toBeUndefined();
  });
});

describe('queue position', () => {
  it('counts pending prompts by number (lowest runs first), whatever the order ComfyUI lists them in', () => {
    const item = (number: number, id: string): QueueItem => [number, id, {}, {}, []];
    const queue = { queue_running: [item(1, 'r')], queue_pending: [item(5, 'c'), item(2, 'a'), item(3, 'b')] };
    expect(queuePosition(queue, 'a')).toBe(1);
    expect(queuePosition(queue, 'c')).toBe(3);
    expect(queuePosition(queue, 'r')).toBeUndefined();
  });
});
