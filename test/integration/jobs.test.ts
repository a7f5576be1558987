// Following a prompt to its result over real sockets: the gateway in front of the ComfyUI simulator. The job
// document, SSE, waiting in one call, base64 outputs, and recovery by a second gateway.
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from 'comfyui-sim';
import type { JobDocument } from '../../src/jobs/job-document.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { openSse, type SseStream } from '../helpers/sse.js';
import { waitFor } from '../helpers/wait.js';
import { emptyImageWorkflow, samplerWorkflow } from '../helpers/workflows.js';
import { SHIPPED_SCENARIOS, copyShippedScenarios, type ShippedCopy } from '../helpers/shipped-scenarios.js';

type Doc = JobDocument & Record<string, unknown>;

describe('jobs: document, SSE, wait', () => {
  let stack: Stack;
  let sim: Simulator;
  let gw: TestGateway;
  const streams: SseStream[] = [];
  let seed = 1;

  let shipped: ShippedCopy;
  beforeAll(async () => {
    shipped = await copyShippedScenarios(SHIPPED_SCENARIOS);
    stack = await startStack(
      {
        locale: 'en',
        comfyui: { ws_reconnect_min_ms: 10, ws_reconnect_max_ms: 100 },
        folders: shipped.folders,
        jobs: { wait_timeout_max_s: 30 },
      },
      { stepMs: 2 },
    );
    ({ sim, gw } = stack);
    await waitFor('the upstream stream', () => gw.events.connected);
  });
  afterEach(async () => {
    for (const stream of streams.splice(0)) stream.close();
    await sim.faults.reset();
  });
  afterAll(async () => {
    await stack?.close();
    await shipped?.remove();
  });

  async function submit(workflow: unknown, query = '', clientId = 'jobs-test') {
    return gw.call('POST', `/api/v1/workflows/submit${query}`, { workflow, client_id: clientId });
  }
  async function job(id: string) {
    const answer = await gw.call('GET', `/api/v1/jobs/${id}`);
    return { status: answer.status, doc: answer.json.data as Doc, json: answer.json };
  }
  async function sse(id: string) {
    const stream = await openSse(`${gw.url}/api/v1/jobs/${id}/events`);
    streams.push(stream);
    return stream;
  }

  it('follows a job from queued through running to succeeded, with outputs and download URLs', async () => {
    sim.faults.stepMs = 10;
    const first = await submit(samplerWorkflow(40, seed++));
    const second = await submit(emptyImageWorkflow('jobs-doc', 11));
    const a = (first.json.data as { prompt_id: string }).prompt_id;
    const b = (second.json.data as { prompt_id: string }).prompt_id;

    const queued = await job(b);
    expect(queued.status).toBe(200);
    expect(queued.json.message).toBe('Job status retrieved');
    expect(queued.doc).toMatchObject({ prompt_id: b, status: 'queued', client_id: 'jobs-test', queue_position: 1 });
    expect(Date.parse(queued.doc.submitted_at!)).not.toBeNaN();

    const stream = await sse(a);
    await stream.until((e) => e.event === 'progress');
    const running = await job(a);
    expect(running.doc.status).toBe('running');
    expect(running.doc.started_at).not.toBeNull();
    expect(running.doc.progress).toMatchObject({ node: '3', max: 40 });

    const end = await (await sse(b)).until((e) => e.event === 'end');
    const done = end.data as unknown as Doc;
    expect(done).toMatchObject({ prompt_id: b, status: 'succeeded', error: null, queue_position: null });
    expect(done.finished_at).not.toBeNull();
    expect(done.outputs).toHaveLength(1);
    const output = done.outputs[0]!;
    expect(output).toMatchObject({ node: '2', subfolder: '', type: 'output', filename: expect.stringMatching(/^jobs-doc_\d+_\.png$/) });
    expect(output.url).toBe(`${gw.url}/api/v1/images/download?filename=${output.filename}&subfolder=&img_type=output`);
    const image = await fetch(output.url);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect((await job(b)).doc).toEqual(done);
  });

  it('streams progress and the end over SSE; a late subscriber gets the state first, then the end', async () => {
    sim.faults.stepMs = 5;
    const answer = await submit(samplerWorkflow(5, seed++));
    const id = (answer.json.data as { prompt_id: string }).prompt_id;
    const stream = await sse(id);
    expect(stream.status).toBe(200);
    expect(stream.contentType).toMatch(/^text\/event-stream/);
    const events = await stream.finished();
    const names = events.map((e) => e.event);
    expect(names[0]).toBe('state');
    expect(names.filter((n) => n === 'progress').length).toBeGreaterThanOrEqual(1);
    expect(names.slice(-2)).toEqual(['execution_success', 'end']);
    const executed = events.find((e) => e.event === 'executed')!;
    expect(executed.data).toMatchObject({ prompt_id: id, node: '9' });
    const images = (executed.data.output as { images: { url: string }[] }).images;
    expect(images[0]!.url).toContain('/api/v1/images/download?filename=');

    const late = await sse(id);
    const lateEvents = await late.finished();
    expect(lateEvents.map((e) => e.event)).toEqual(['state', 'end']);
    expect(lateEvents[0]!.data).toMatchObject({ prompt_id: id, status: 'succeeded' });
  });

  it('reports a failing node with its error', async () => {
    sim.faults.failNode = 'SaveImage';
    const answer = await submit(emptyImageWorkflow('jobs-fail', 21), '?wait=true');
    expect(answer.status).toBe(200);
    const data = answer.json.data as Doc;
    expect(data).toMatchObject({ status: 'failed', outputs: [], client_id: 'jobs-test', number: expect.any(Number) });
    expect(data.error).toMatchObject({ node: '2', type: 'RuntimeError', message: expect.any(String) });
  });

  it('reports an interrupted job', async () => {
    sim.faults.stepMs = 20;
    const answer = await submit(samplerWorkflow(200, seed++));
    const id = (answer.json.data as { prompt_id: string }).prompt_id;
    const stream = await sse(id);
    await stream.until((e) => e.event === 'progress');
    const stop = await gw.call('POST', '/api/v1/workflows/interrupt', { prompt_id: id });
    expect(stop.json.data).toMatchObject({ action: 'interrupted' });
    const end = await stream.until((e) => e.event === 'end');
    expect(end.data).toMatchObject({ status: 'interrupted', error: { node: '3', type: 'interrupted' } });
  });

  it('answers 404 for an id neither the gateway nor ComfyUI knows', async () => {
    const answer = await job('00000000-0000-4000-8000-000000000000');
    expect(answer.status).toBe(404);
    expect(answer.json).toMatchObject({ code: 404, data: null, message: expect.stringContaining('00000000-0000-4000-8000-000000000000') });
    const stream = await gw.call('GET', '/api/v1/jobs/00000000-0000-4000-8000-000000000000/events');
    expect(stream.status).toBe(404);
  });

  it('waits in one call on a scenario and answers with outputs, keeping the submit fields', async () => {
    const answer = await gw.call('POST', '/api/v1/scenarios/text2img?wait=true&timeout=20', {
      prompt: 'a lighthouse',
      width: 64,
      height: 64,
      steps: 3,
      client_id: 'scn',
    });
    expect(answer.status).toBe(200);
    expect(answer.json.message).toBe('文生图任务已提交');
    const data = answer.json.data as Doc & { params: Record<string, unknown> };
    expect(data).toMatchObject({ scenario: 'text2img', client_id: 'scn', status: 'succeeded', error: null });
    expect(data.params).toMatchObject({ prompt: 'a lighthouse', steps: 3 });
    // The manifest lists only the Save Image node ("9") as the result.
    expect(data.outputs.map((o) => o.node)).toEqual(['9']);
    expect(data.outputs[0]!.url).toContain('/api/v1/images/download');
  });

  it('answers 200 with the current status when the wait times out, and the job goes on', async () => {
    sim.faults.stepMs = 20;
    const answer = await submit(samplerWorkflow(100, seed++), '?wait=true&timeout=0.3');
    expect(answer.status).toBe(200);
    const data = answer.json.data as Doc;
    expect(['queued', 'running']).toContain(data.status);
    expect(data.finished_at).toBeNull();
    sim.faults.stepMs = 1;
    const end = await (await sse(data.prompt_id)).until((e) => e.event === 'end');
    expect(end.data).toMatchObject({ status: 'succeeded' });
  });

  it('GET /api/v1/jobs/{id}?wait=true answers when the job ends, or at its timeout; a bad wait query is a 400', async () => {
    sim.faults.stepMs = 20;
    const id = ((await submit(samplerWorkflow(100, seed++))).json.data as { prompt_id: string }).prompt_id;
    const early = await gw.call('GET', `/api/v1/jobs/${id}?wait=true&timeout=0.2`);
    expect(early.status).toBe(200);
    expect(['queued', 'running']).toContain((early.json.data as Doc).status);
    const waiting = gw.call('GET', `/api/v1/jobs/${id}?wait=true&timeout=20`);
    sim.faults.stepMs = 1;
    const done = await waiting;
    expect(done.status).toBe(200);
    expect(done.json.data).toMatchObject({ prompt_id: id, status: 'succeeded' });
    for (const query of ['?wait=maybe', '?wait=true&timeout=-1', '?output=base64']) {
      expect((await gw.call('GET', `/api/v1/jobs/${id}${query}`)).status, query).toBe(400);
    }
  });

  it('puts decodable PNG images into the answer with output=base64', async () => {
    const answer = await submit(emptyImageWorkflow('jobs-b64', 0xff0000), '?wait=true&output=base64');
    const output = (answer.json.data as Doc).outputs[0]!;
    expect(output.mime).toBe('image/png');
    const bytes = Buffer.from(output.base64!, 'base64');
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const meta = await sharp(bytes).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 8, height: 8 });
  });

  it('refuses a bad wait query with 400 before queueing anything', async () => {
    const before = gw.tracker.size;
    for (const query of ['?wait=maybe', '?wait=true&timeout=-1', '?wait=true&output=zip']) {
      const answer = await submit(emptyImageWorkflow('jobs-bad'), query);
      expect(answer.status, query).toBe(400);
    }
    expect(gw.tracker.size).toBe(before);
  });

  it('rebuilds a job after a gateway restart from ComfyUI history (a second gateway answers)', async () => {
    const answer = await gw.call('POST', '/api/v1/scenarios/text2img?wait=true', { prompt: 'recovered', width: 64, height: 64, steps: 2, client_id: 'first' });
    const original = answer.json.data as Doc;
    expect(original.status).toBe('succeeded');
    const second = await startTestGateway({ comfyui: { url: sim.url } });
    try {
      const again = await second.call('GET', `/api/v1/jobs/${original.prompt_id}`);
      expect(again.status).toBe(200);
      const doc = again.json.data as Doc;
      expect(doc).toMatchObject({
        prompt_id: original.prompt_id,
        status: 'succeeded',
        scenario: 'text2img',
        client_id: 'first',
        submitted_at: original.submitted_at,
        error: null,
      });
      expect(doc.outputs.map((o) => [o.node, o.filename])).toEqual(original.outputs.map((o) => [o.node, o.filename]));
      expect(doc.started_at).not.toBeNull();
      expect(doc.finished_at).not.toBeNull();
      const stream = await openSse(`${second.url}/api/v1/jobs/${original.prompt_id}/events`);
      expect((await stream.finished()).map((e) => e.event)).toEqual(['state', 'end']);
    } finally {
      await second.close();
    }
  });
});
