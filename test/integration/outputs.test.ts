// Outputs of every kind, end to end against the simulator: the shipped video and text scenarios, animations, and
// `?format=` conversion (a real WebP from sharp, checked by its bytes and by sharp reading it back).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from 'comfyui-sim';
import type { JobDocument } from '../../src/jobs/job-document.js';
import type { FileOutput } from '../../src/outputs/typed-output.js';
import { copyShippedScenarios, type ShippedCopy } from '../helpers/shipped-scenarios.js';
import { openSse } from '../helpers/sse.js';
import { startStack, type Stack } from '../helpers/stack.js';
import type { TestGateway } from '../helpers/gateway.js';
import { openSocket } from '../helpers/ws-client.js';

const empty = (batch: number) => ({ class_type: 'EmptyImage', inputs: { width: 40, height: 30, batch_size: batch, color: 3368652 } });
const stillWorkflow = (prefix: string) => ({
  '1': empty(1),
  '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: prefix } },
});
const animatedWebpWorkflow = (prefix: string) => ({
  '1': empty(4),
  '2': { class_type: 'SaveAnimatedWEBP', inputs: { images: ['1', 0], filename_prefix: prefix, fps: 6, lossless: true, quality: 80, method: 'default' } },
});
const apngWorkflow = (prefix: string) => ({
  '1': empty(4),
  '2': { class_type: 'SaveAnimatedPNG', inputs: { images: ['1', 0], filename_prefix: prefix, fps: 6, compress_level: 4 } },
});
const audioWorkflow = (prefix: string) => ({
  '1': { class_type: 'EmptyAudio', inputs: { duration: 0.5, sample_rate: 16000, channels: 1 } },
  '2': { class_type: 'SaveAudio', inputs: { audio: ['1', 0], filename_prefix: prefix } },
});

const RIFF = Buffer.from('RIFF');
const WEBP = Buffer.from('WEBP');

describe('typed outputs and conversion', () => {
  let stack: Stack;
  let gw: TestGateway;
  let sim: Simulator;
  let shipped: ShippedCopy;

  beforeAll(async () => {
    shipped = await copyShippedScenarios(['video_clip', 'echo_text']);
    stack = await startStack({ locale: 'en', folders: shipped.folders, jobs: { wait_timeout_max_s: 30 } }, { stepMs: 1 });
    ({ gw, sim } = stack);
  });
  afterAll(async () => {
    await stack?.close();
    await shipped?.remove();
  });

  async function submit(workflow: unknown, query = '') {
    const answer = await gw.call('POST', `/api/v1/workflows/submit?wait=true${query}`, { workflow });
    expect(answer.status, JSON.stringify(answer.json)).toBe(200);
    return answer.json.data as JobDocument;
  }
  async function bytesOf(url: string): Promise<{ type: string | null; body: Buffer }> {
    const answer = await fetch(url);
    expect(answer.status, url).toBe(200);
    return { type: answer.headers.get('content-type'), body: Buffer.from(await answer.arrayBuffer()) };
  }
  const file = (doc: JobDocument, index = 0) => doc.outputs[index] as unknown as FileOutput;

  it('runs the shipped video scenario: one MP4, kind video, its bytes served as video/mp4', async () => {
    const answer = await gw.call('POST', '/api/v1/scenarios/video_clip?wait=true', { frames: 6, fps: 6 });
    expect(answer.status).toBe(200);
    const doc = answer.json.data as JobDocument;
    expect(doc.status).toBe('succeeded');
    expect(doc.outputs).toHaveLength(1);
    const video = file(doc);
    expect(video).toMatchObject({ kind: 'video', mime: 'video/mp4', node: '3', subfolder: 'video', type: 'output' });
    expect(video.filename).toMatch(/^clip_\d{5}_\.mp4$/);
    const { type, body } = await bytesOf(video.url);
    expect(type).toBe('video/mp4');
    expect(body.subarray(4, 8).toString('latin1')).toBe('ftyp');
    const original = await readFile(path.join(sim.dataDir, 'output', 'video', video.filename));
    expect(body.equals(original)).toBe(true);
  });

  it('runs the shipped text scenario: the text inline, kind text, in the answer, SSE end and job document', async () => {
    const answer = await gw.call('POST', '/api/v1/scenarios/echo_text?wait=true', { text: 'hello 世界' });
    expect(answer.status).toBe(200);
    const doc = answer.json.data as JobDocument;
    expect(doc.status).toBe('succeeded');
    expect(doc.outputs).toEqual([{ kind: 'text', node: '2', text: 'hello 世界' }]);
    const stream = await openSse(`${gw.url}/api/v1/jobs/${doc.prompt_id}/events`);
    try {
      const end = await stream.until((event) => event.event === 'end');
      expect((end.data as unknown as JobDocument).outputs).toEqual(doc.outputs);
    } finally {
      stream.close();
    }
    const detail = await gw.call('GET', `/api/v1/jobs/${doc.prompt_id}`);
    expect((detail.json.data as JobDocument).outputs).toEqual(doc.outputs);
  });

  it('documents what each shipped scenario returns: the kinds its manifest names', async () => {
    const openapi = await gw.call('GET', '/api/v1/openapi.json');
    const paths = (openapi.json as unknown as { paths: Record<string, { post: Record<string, unknown> }> }).paths;
    const resultOf = (route: string) =>
      JSON.stringify((paths[route]!.post.responses as Record<string, unknown>)['200']);
    expect(resultOf('/api/v1/scenarios/video_clip')).toContain('"enum":["video"]');
    expect(resultOf('/api/v1/scenarios/echo_text')).toContain('"enum":["text"]');
  });

  it('types animations, audio and pictures, and relays the typed outputs on the WebSocket', async () => {
    const socket = await openSocket(`${gw.url.replace(/^http/, 'ws')}/api/v1/ws/outputs-ws`);
    try {
      const answer = await gw.call('POST', '/api/v1/workflows/submit?wait=true', { workflow: audioWorkflow('audio/kinds'), client_id: 'outputs-ws' });
      const doc = answer.json.data as JobDocument;
      expect(file(doc)).toMatchObject({ kind: 'audio', mime: 'audio/flac', subfolder: 'audio' });
      const { type, body } = await bytesOf(file(doc).url);
      expect(type).toBe('audio/flac');
      expect(body.subarray(0, 4).toString('latin1')).toBe('fLaC');
      const [executed] = (await socket.until((m) => m.type === 'executed')).slice(-1);
      expect(executed?.data?.outputs).toEqual([expect.objectContaining({ kind: 'audio', mime: 'audio/flac', url: file(doc).url })]);
    } finally {
      await socket.close();
    }
    expect(file(await submit(animatedWebpWorkflow('kinds-webp')))).toMatchObject({ kind: 'animation', mime: 'image/webp' });
    expect(file(await submit(apngWorkflow('kinds-apng')))).toMatchObject({ kind: 'animation', mime: 'image/png' });
    expect(file(await submit(stillWorkflow('kinds-png')))).toMatchObject({ kind: 'image', mime: 'image/png', size: null });
  });

  it('?format=webp&quality=70 returns a real WebP, and the original PNG stays downloadable', async () => {
    const doc = await submit(stillWorkflow('convert'), '&format=webp&quality=70');
    const output = file(doc);
    expect(output).toMatchObject({ kind: 'image', mime: 'image/webp' });
    expect(output.url).toContain('&format=webp&quality=70');
    const converted = await bytesOf(output.url);
    expect(converted.type).toBe('image/webp');
    expect(converted.body.subarray(0, 4).equals(RIFF)).toBe(true);
    expect(converted.body.subarray(8, 12).equals(WEBP)).toBe(true);
    const meta = await sharp(converted.body).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 40, height: 30 });
    const original = await bytesOf(output.original_url!);
    expect(original.type).toBe('image/png');
    expect(original.body.equals(await readFile(path.join(sim.dataDir, 'output', output.filename)))).toBe(true);
  });

  it('scales to max_side, inlines the converted bytes with output=base64, and keeps an animated WebP animated', async () => {
    const doc = await submit(stillWorkflow('convert-small'), '&output=base64&format=jpeg&max_side=20');
    const output = file(doc);
    expect(output.mime).toBe('image/jpeg');
    const inlined = Buffer.from(output.base64!, 'base64');
    expect(output.size).toBe(inlined.byteLength);
    expect(await sharp(inlined).metadata()).toMatchObject({ format: 'jpeg', width: 20, height: 15 });

    const animated = file(await submit(animatedWebpWorkflow('convert-anim'), '&format=webp&quality=60'));
    expect(animated).toMatchObject({ kind: 'animation', mime: 'image/webp' });
    expect(animated.original_url).toBeDefined();
    // The simulator (like ComfyUI) merges identical frames; the frame count of a real animation is checked in
    // test/unit/outputs/convert.test.ts.
    const after = await sharp((await bytesOf(animated.url)).body, { animated: true }).metadata();
    expect(after).toMatchObject({ format: 'webp', width: 40 });

    // An animated PNG would lose its motion: it stays as ComfyUI wrote it.
    const apng = file(await submit(apngWorkflow('convert-apng'), '&format=webp'));
    expect(apng).toMatchObject({ kind: 'animation', mime: 'image/png' });
    expect(apng.original_url).toBeUndefined();
  });

  it('refuses a bad conversion with a 400 that says what to fix, and queues nothing', async () => {
    const history = async () => (await fetch(`${sim.url}/history`).then((r) => r.json())) as Record<string, unknown>;
    const seen = Object.keys(await history()).length;
    for (const [query, text] of [
      ['&format=gif', 'query.format must be one of: "webp", "jpeg", "png", "avif"'],
      ['&quality=70', 'add format (webp, jpeg, png or avif)'],
      ['&format=webp&quality=0', 'query.quality must be >= 1'],
      ['&format=webp&max_side=abc', 'query.max_side must be of type integer'],
    ] as const) {
      const answer = await gw.call('POST', `/api/v1/workflows/submit?wait=true${query}`, { workflow: stillWorkflow('refused') });
      expect(answer.status, query).toBe(400);
      expect(answer.json.message, query).toContain(text);
    }
    const put = await gw.call('POST', `/api/v1/workflows/submit?put_url=${encodeURIComponent('https://example.com/a.png')}`, { workflow: stillWorkflow('refused') });
    expect(put.status).toBe(400);
    expect(put.json.message).toContain('put_url is off: set outputs.put.enabled: true in gateway.yaml');
    const sink = await gw.call('POST', '/api/v1/workflows/submit?deliver=archive', { workflow: stillWorkflow('refused') });
    expect(sink.status).toBe(400);
    expect(sink.json.message).toContain('No output sink named archive is configured');
    const video = await gw.call('POST', '/api/v1/scenarios/video_clip?format=webp', {});
    expect(video.status).toBe(400);
    expect(video.json.message).toContain('declares no picture outputs');
    expect(Object.keys(await history()).length).toBe(seen);
  });

  it('the download route converts only pictures', async () => {
    const doc = await submit(audioWorkflow('audio/no-convert'));
    const answer = await fetch(`${file(doc).url}&format=webp`);
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { message: string }).message).toContain('Only pictures can be converted');
  });
});
