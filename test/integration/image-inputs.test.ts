// Image inputs in every form, through the real gateway against the simulator: data URL, bare base64, an http URL
// (allow-listed test server), a multipart part straight to the scenario route, and the `images` map of
// workflows/submit. SSRF refusals are asserted without any connection to the refused address: loopback ones are
// checked against a counting test server, and 10.x / 169.254.x are IP literals the policy refuses before connecting.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from 'comfyui-sim';
import { sampleImage } from '../fixtures/images/samples.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { copyShippedScenarios, type ShippedCopy } from '../helpers/shipped-scenarios.js';

const IMAGE_BODY_LIMIT = 64 * 1024;

interface Built {
  workflow: Record<string, { inputs: Record<string, unknown> }>;
  params: Record<string, unknown>;
}

/** The name the gateway keeps given bytes under: their content address. */
function contentName(bytes: Buffer, extension: string): string {
  return `${createHash('sha256').update(bytes).digest('hex')}.${extension}`;
}

/** A noisy PNG: its base64 is longer than the 256 characters bare base64 needs to be recognised. */
async function noisyPng(): Promise<Buffer> {
  const pixels = Buffer.alloc(24 * 24 * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7919) % 251;
  return sharp(pixels, { raw: { width: 24, height: 24, channels: 3 } }).png().toBuffer();
}

describe('image inputs', () => {
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let open: TestGateway; // 127.0.0.1 allow-listed
  let strict: TestGateway; // nothing allow-listed, small image body limit
  let images: Server;
  let imagesPort: number;
  const hits = new Map<string, number>();
  let png: Buffer;

  let shipped: ShippedCopy;
  beforeAll(async () => {
    shipped = await copyShippedScenarios(['invert', 'resize']);
    png = await noisyPng();
    images = createServer((req, res) => {
      const url = req.url ?? '/';
      hits.set(url, (hits.get(url) ?? 0) + 1);
      if (url === '/cat.png') res.writeHead(200, { 'content-type': 'image/png' }).end(png);
      else if (url === '/text.png') res.writeHead(200, { 'content-type': 'image/png' }).end('not an image at all');
      else if (url === '/to-localhost') res.writeHead(302, { location: `http://localhost:${imagesPort}/secret.png` }).end();
      else if (url === '/hop') res.writeHead(301, { location: '/cat.png' }).end();
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => images.listen(0, '127.0.0.1', resolve));
    imagesPort = (images.address() as AddressInfo).port;

    sim = await startSimulator({ port: 0, stepMs: 1 });
    const common = {
      comfyui: { url: sim.url, request_timeout_ms: 5000 },
      folders: shipped.folders,
      locale: 'en' as const,
    };
    open = await startTestGateway({ ...common, images: { fetch: { allow_hosts: ['127.0.0.1'] } } });
    strict = await startTestGateway({ ...common, limits: { image_body_bytes: IMAGE_BODY_LIMIT } });
  });
  afterAll(async () => {
    await open?.close();
    await strict?.close();
    await sim?.close();
    await new Promise((resolve) => images?.close(resolve));
    await shipped?.remove();
  });

  async function dryRun(gw: TestGateway, inputImage: string) {
    return gw.call('POST', '/api/v1/scenarios/invert?dry_run=true', { input_image: inputImage });
  }

  function loadImageOf(data: unknown): unknown {
    return (data as Built).workflow['1']?.inputs.image;
  }

  function expectUploaded(name: unknown) {
    expect(typeof name).toBe('string');
    expect(name).toMatch(/\.png$/);
    expect(existsSync(path.join(sim.dataDir, 'input', name as string))).toBe(true);
  }

  it('a data URL is uploaded and its ComfyUI name goes into the workflow and params', async () => {
    const answer = await dryRun(open, `data:image/png;base64,${png.toString('base64')}`);
    expect(answer.status).toBe(200);
    const name = loadImageOf(answer.json.data);
    expectUploaded(name);
    expect((answer.json.data as Built).params.input_image).toBe(name);
    expect(existsSync(path.join(open.config.folders.input, name as string))).toBe(true);
  });

  it('bare base64 is recognised by decoding and sniffing', async () => {
    const base64 = png.toString('base64');
    expect(base64.length).toBeGreaterThan(256);
    const answer = await dryRun(open, base64);
    expect(answer.status).toBe(200);
    expectUploaded(loadImageOf(answer.json.data));
  });

  it('an http URL of an allow-listed host is fetched, redirects included', async () => {
    const before = hits.get('/cat.png') ?? 0;
    const answer = await dryRun(open, `http://127.0.0.1:${imagesPort}/hop`);
    expect(answer.status).toBe(200);
    expect(loadImageOf(answer.json.data)).toBe(contentName(png, 'png'));
    expectUploaded(contentName(png, 'png'));
    expect(hits.get('/cat.png')).toBe(before + 1);
  });

  it('a multipart part named after the image field is uploaded; text fields are coerced', async () => {
    const form = new FormData();
    const jpeg = await sampleImage('jpeg');
    const name = contentName(jpeg, 'jpg');
    form.set('input_image', new Blob([jpeg], { type: 'image/jpeg' }), 'holiday photo.jpg');
    const response = await fetch(`${open.url}/api/v1/scenarios/resize?dry_run=true`, {
      method: 'POST',
      body: (() => {
        form.set('width', '32');
        form.set('height', '24');
        return form;
      })(),
    });
    const answer = (await response.json()) as { code: number; message: string; data: Built };
    expect(response.status, answer.message).toBe(200);
    const loadImage = Object.values(answer.data.workflow).find((node) => 'image' in node.inputs && typeof node.inputs.image === 'string');
    // Named by content, not by the part's file name: the same bytes are one file under one name on every backend.
    expect(loadImage?.inputs.image).toBe(name);
    expect(answer.data.params).toMatchObject({ input_image: name, width: 32, height: 24 });
    expect(existsSync(path.join(sim.dataDir, 'input', name))).toBe(true);
  });

  it('a multipart upload to the invert scenario runs for real: the simulator accepts the job', async () => {
    const form = new FormData();
    form.set('input_image', new Blob([png], { type: 'image/png' }), 'to-invert.png');
    const response = await fetch(`${open.url}/api/v1/scenarios/invert`, { method: 'POST', body: form });
    const answer = (await response.json()) as { code: number; message: string; data: { prompt_id: string; params: Record<string, unknown> } };
    expect(response.status, answer.message).toBe(200);
    expect(answer.data.prompt_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.data.params.input_image).toBe(contentName(png, 'png'));
  });

  it('a file part for a field that is not an image field is refused with 400', async () => {
    const form = new FormData();
    form.set('photo', new Blob([png]), 'x.png');
    const response = await fetch(`${open.url}/api/v1/scenarios/invert?dry_run=true`, { method: 'POST', body: form });
    const answer = (await response.json()) as { code: number; message: string };
    expect(response.status).toBe(400);
    expect(answer.message).toContain('photo');
  });

  it('workflows/submit sets the images map before submitting', async () => {
    const workflow = {
      '1': { class_type: 'LoadImage', inputs: { image: 'example.png' } },
      '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
      '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'inputs' } },
    };
    const answer = await open.call('POST', '/api/v1/workflows/submit', {
      workflow,
      images: { '1.inputs.image': `data:image/png;base64,${png.toString('base64')}` },
    });
    expect(answer.status, answer.json.message).toBe(200);
    const data = answer.json.data as { prompt_id: string; images: Record<string, string> };
    expectUploaded(data.images['1.inputs.image']);

    const wrong = await open.call('POST', '/api/v1/workflows/submit', { workflow, images: { '9': 'example.png' } });
    expect(wrong.status).toBe(400);
    expect(wrong.json.message).toContain('no node "9"');
    const link = await open.call('POST', '/api/v1/workflows/submit', { workflow, images: { '2': 'example.png' } });
    expect(link.status).toBe(400);
    expect(link.json.message).toContain('connected');
  });

  describe('refusals', () => {
    it.each([
      ['http://10.0.0.1/x.png', 'private'],
      ['http://169.254.169.254/latest/meta-data', 'link-local'],
      ['http://[::1]/x.png', 'loopback'],
      ['http://[::ffff:127.0.0.1]/x.png', 'loopback'],
      ['http://0.0.0.0/x.png', 'unspecified'],
    ])('%s is refused before connecting (%s)', async (url, rule) => {
      const answer = await dryRun(strict, url);
      expect(answer.status).toBe(400);
      expect(answer.json.code).toBe(400);
      expect(answer.json.message).toContain(`${rule} addresses are not allowed`);
      expect(answer.json.message).toContain('images.fetch.allow_hosts');
    });

    it('a loopback test server is refused without the allow-list, and never contacted', async () => {
      const before = hits.get('/cat.png') ?? 0;
      for (const host of ['127.0.0.1', 'localhost']) {
        const answer = await dryRun(strict, `http://${host}:${imagesPort}/cat.png`);
        expect(answer.status).toBe(400);
        expect(answer.json.message).toContain('loopback addresses are not allowed');
      }
      expect(hits.get('/cat.png') ?? 0).toBe(before);
    });

    it('a redirect from an allow-listed host to a loopback name is refused at the hop', async () => {
      const answer = await dryRun(open, `http://127.0.0.1:${imagesPort}/to-localhost`);
      expect(answer.status).toBe(400);
      expect(answer.json.message).toContain(`http://localhost:${imagesPort}/secret.png`);
      expect(answer.json.message).toContain('loopback');
      expect(hits.get('/to-localhost')).toBe(1);
      expect(hits.get('/secret.png')).toBeUndefined();
    });

    it('bytes that are not an image are refused with 1003, fetched or inline', async () => {
      const fetched = await dryRun(open, `http://127.0.0.1:${imagesPort}/text.png`);
      expect(fetched.status).toBe(400);
      expect(fetched.json.code).toBe(1003);
      const inline = await dryRun(open, `data:image/png;base64,${Buffer.from('hello, not a picture').toString('base64')}`);
      expect(inline.status).toBe(400);
      expect(inline.json.code).toBe(1003);
    });

    it('a file name that tries to leave the input folder is refused with 400', async () => {
      for (const name of ['../secret.png', '/etc/passwd', 'a\\b.png', 'sub/../../x.png']) {
        const answer = await dryRun(open, name);
        expect(answer.status, name).toBe(400);
        expect(answer.json.message).toContain('input_image');
      }
    });

    it('a malformed data URL says how to write one', async () => {
      const answer = await dryRun(open, 'data:image/png,not-base64');
      expect(answer.status).toBe(400);
      expect(answer.json.message).toContain('data:image/<type>;base64,<data>');
    });

    it('a base64 body over limits.image_body_bytes is refused with 413', async () => {
      const huge = Buffer.alloc(IMAGE_BODY_LIMIT).toString('base64');
      const answer = await strict.call('POST', '/api/v1/scenarios/invert', { input_image: `data:image/png;base64,${huge}` });
      expect(answer.status).toBe(413);
      expect(answer.json.code).toBe(413);
      const submit = await strict.call('POST', '/api/v1/workflows/submit', {
        workflow: { '1': { class_type: 'LoadImage', inputs: { image: 'x.png' } } },
        images: { '1': huge },
      });
      expect(submit.status).toBe(413);
    });
  });
});
