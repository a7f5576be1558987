// The image routes against the simulator: upload (content-checked, size-limited, safely named), download, URL.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from 'comfyui-sim';
import { hugePngHeader, sampleImage, type SampleFormat } from '../fixtures/images/samples.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { closedPort } from '../helpers/ports.js';

type Sim = Awaited<ReturnType<typeof startSimulator>>;
interface Uploaded {
  filename: string;
  name: string;
  local_path: string;
}

const UPLOAD_LIMIT = 64 * 1024;

async function upload(gw: TestGateway, data: Buffer | string, filename: string, fields: Record<string, string> = {}) {
  const form = new FormData();
  form.set('file', new Blob([data], { type: 'image/png' }), filename);
  for (const [key, value] of Object.entries(fields)) form.set(key, value);
  const response = await fetch(`${gw.url}/api/v1/images/upload`, { method: 'POST', body: form });
  const json = (await response.json()) as { code: number; message: string; data: Uploaded };
  return { status: response.status, json };
}

describe('image routes', () => {
  let sim: Sim;
  let gw: TestGateway;
  let simInput: string;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    simInput = path.join(sim.dataDir, 'input');
    gw = await startTestGateway({
      comfyui: { url: sim.url, request_timeout_ms: 5000 },
      limits: { upload_bytes: UPLOAD_LIMIT, image_pixels: 100_000 },
    });
  });
  afterAll(async () => {
    await gw?.close();
    await sim?.close();
  });

  describe('upload', () => {
    it('stores the image in ComfyUI and keeps a local copy', async () => {
      const png = await sampleImage('png');
      const answer = await upload(gw, png, 'image.png');
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ code: 200, message: '上传成功', data: { filename: 'image.png', name: 'image.png' } });
      expect(answer.json.data.local_path).toBe(path.join(gw.config.folders.input, 'image.png'));
      expect(await readFile(answer.json.data.local_path)).toEqual(png);
      expect(await readFile(path.join(simInput, 'image.png'))).toEqual(png);
    });

    it.each<SampleFormat>(['png', 'jpeg', 'webp', 'gif', 'tiff', 'bmp'])('accepts %s', async (format) => {
      const answer = await upload(gw, await sampleImage(format), `sample-${format}.${format}`);
      expect(answer.status).toBe(200);
      expect(existsSync(path.join(simInput, answer.json.data.name))).toBe(true);
    });

    it('judges the bytes, not the name: a JPEG called .png is stored as .jpg', async () => {
      const answer = await upload(gw, await sampleImage('jpeg'), 'photo.png');
      expect(answer.json.data).toMatchObject({ filename: 'photo.jpg', name: 'photo.jpg' });
    });

    it('refuses text that claims to be an image with 1003', async () => {
      const answer = await upload(gw, 'just some text, honestly', 'fake.png');
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ code: 1003, data: null });
      expect(answer.json.message).toContain('png');
    });

    it('refuses a file over limits.upload_bytes with 413', async () => {
      const big = Buffer.concat([await sampleImage('png'), Buffer.alloc(UPLOAD_LIMIT + 10)]);
      const answer = await upload(gw, big, 'big.png');
      expect(answer.status).toBe(413);
      expect(answer.json).toMatchObject({ code: 413, data: null });
    });

    it('refuses an image with more pixels than limits.image_pixels, without decoding it', async () => {
      const answer = await upload(gw, hugePngHeader(50_000, 50_000), 'bomb.png');
      expect(answer.status).toBe(400);
      expect(answer.json.code).toBe(400);
      expect(answer.json.message).toContain('50000×50000');
      const small = await upload(gw, await sampleImage('png', 400, 300), 'too-many.png');
      expect(small.status).toBe(400);
    });

    it('counts every page of a multi-page image against limits.image_pixels', async () => {
      // 50 pages of 100×100: each page is far under the limit, all of them together (500,000) five times over it.
      const page = await sharp({ create: { width: 100, height: 100, channels: 3, background: '#ffffff' } }).png().toBuffer();
      const tiff = await sharp(Array<Buffer>(50).fill(page), { join: { animated: true } }).tiff({ compression: 'deflate' }).toBuffer();
      expect(tiff.length).toBeLessThan(UPLOAD_LIMIT);
      const answer = await upload(gw, tiff, 'pages.tiff');
      expect(answer.status).toBe(400);
      expect(answer.json.message).toContain('50');
      expect(answer.json.message).toContain('500000');
      const one = await sharp(page).tiff().toBuffer();
      expect((await upload(gw, one, 'one-page.tiff')).status).toBe(200);
    });

    it('refuses an empty (0×0) image', async () => {
      const bmp = Buffer.alloc(54);
      bmp.write('BM', 0, 'latin1');
      bmp.writeUInt32LE(54, 2); // file size
      bmp.writeUInt32LE(54, 10); // pixel data offset
      bmp.writeUInt32LE(40, 14); // BITMAPINFOHEADER
      bmp.writeInt32LE(0, 18); // width
      bmp.writeInt32LE(0, 22); // height
      bmp.writeUInt16LE(1, 26); // planes
      bmp.writeUInt16LE(24, 28); // bits per pixel
      const answer = await upload(gw, bmp, 'empty.bmp');
      expect(answer.status).toBe(400);
      expect(answer.json.code).toBe(1003);
      expect(answer.json.message).toContain('0×0');
    });

    it('makes the name safe: no directories, no control characters, Unicode letters kept', async () => {
      const png = await sampleImage('png');
      const traversal = await upload(gw, png, '../../evil.png');
      expect(traversal.json.data).toMatchObject({ filename: 'evil.png', name: 'evil.png' });
      expect(existsSync(path.join(gw.config.folders.input, 'evil.png'))).toBe(true);
      const unicode = await upload(gw, png, '猫\u0007 照片.png');
      expect(unicode.json.data.filename).toBe('猫_ 照片.png');
      const nothing = await upload(gw, png, '***.png');
      expect(nothing.json.data.filename).toMatch(/^upload-[0-9a-f]{8}\.png$/);
    });

    it('with overwrite=false keeps the old file and reports ComfyUI\'s new name', async () => {
      const first = await upload(gw, await sampleImage('png', 4, 4), 'clash.png');
      expect(first.json.data.name).toBe('clash.png');
      const second = await upload(gw, await sampleImage('png', 5, 5), 'clash.png', { overwrite: 'false' });
      expect(second.json.data).toMatchObject({ filename: 'clash.png', name: 'clash (1).png' });
      expect(second.json.data.local_path).toBe(path.join(gw.config.folders.input, 'clash (1).png'));
      expect(await readFile(path.join(simInput, 'clash.png'))).toEqual(await sampleImage('png', 4, 4));
      const third = await upload(gw, await sampleImage('png', 6, 6), 'clash.png', { overwrite: 'true' });
      expect(third.json.data.name).toBe('clash.png');
    });

    it('requires the file field', async () => {
      const form = new FormData();
      form.set('overwrite', 'true');
      const response = await fetch(`${gw.url}/api/v1/images/upload`, { method: 'POST', body: form });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { message: string }).message).toContain('file');
    });

    it('leaves nothing behind in the staging folder', async () => {
      const staging = path.join(gw.config.folders.input, '.uploading');
      expect(await readdir(staging)).toEqual([]);
    });
  });

  describe('download', () => {
    it('streams an uploaded image back with its type, length and name', async () => {
      const png = await sampleImage('png', 7, 7);
      await upload(gw, png, 'round trip.png');
      const response = await fetch(`${gw.url}/api/v1/images/download?filename=round%20trip.png&img_type=input`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/png');
      expect(response.headers.get('content-length')).toBe(String(png.length));
      expect(response.headers.get('content-disposition')).toContain('round trip.png');
      expect(Buffer.from(await response.arrayBuffer())).toEqual(png);
    });

    it('answers 404 for a missing file', async () => {
      const answer = await gw.call('GET', '/api/v1/images/download?filename=nope.png');
      expect(answer.status).toBe(404);
      expect(answer.json).toMatchObject({ code: 404, data: null });
      expect(answer.json.message).toContain('nope.png');
    });

    it.each([
      ['filename=..%2F..%2Fetc%2Fpasswd'],
      ['filename=a..b.png'],
      ['filename=%2Fetc%2Fpasswd'],
      ['filename=a%00.png'],
      ['filename=a%5Cb.png'],
      ['filename=..%252fsecret.png'],
      ['filename=x.png&subfolder=..'],
      ['filename=x.png&subfolder=a%2F..%2F..'],
      ['filename=x.png&subfolder=%2Fetc'],
      ['filename=x.png&subfolder=a%5C..'],
      ['filename=x.png&img_type=models'],
      ['subfolder=a'],
    ])('refuses %s with 400', async (query) => {
      const answer = await gw.call('GET', `/api/v1/images/download?${query}`);
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ code: 400, data: null });
    });
  });

  describe('url', () => {
    it('gives a gateway download link on the host the caller used', async () => {
      const answer = await gw.call('GET', '/api/v1/images/url?filename=result.png');
      expect(answer.json).toEqual({
        code: 200,
        message: '获取图片 URL 成功',
        data: {
          url: `${gw.url}/api/v1/images/download?filename=result.png&subfolder=&img_type=output`,
          filename: 'result.png',
        },
      });
    });

    it('refuses unsafe references like the download route', async () => {
      const answer = await gw.call('GET', '/api/v1/images/url?filename=..%2Fx.png');
      expect(answer.status).toBe(400);
    });

    it('follows server.public_url and images.url_mode: comfyui', async () => {
      const publicGw = await startTestGateway({
        comfyui: { url: sim.url },
        server: { public_url: 'https://images.example.com/gw' },
      });
      const comfyUrl = `http://127.0.0.1:${await closedPort()}`;
      const comfyGw = await startTestGateway({ comfyui: { url: comfyUrl }, images: { url_mode: 'comfyui' } });
      try {
        const viaPublic = await publicGw.call('GET', '/api/v1/images/url?filename=a.png&subfolder=s&img_type=temp');
        expect((viaPublic.json.data as { url: string }).url).toBe(
          'https://images.example.com/gw/api/v1/images/download?filename=a.png&subfolder=s&img_type=temp',
        );
        const viaComfy = await comfyGw.call('GET', '/api/v1/images/url?filename=result.png');
        expect((viaComfy.json.data as { url: string }).url).toBe(
          `${comfyUrl}/view?filename=result.png&subfolder=&type=output`,
        );
      } finally {
        await publicGw.close();
        await comfyGw.close();
      }
    });

    it('links to a file a workflow wrote, and the link downloads it', async () => {
      const submitted = await gw.call('POST', '/api/v1/workflows/submit', {
        workflow: {
          '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 0 } },
          '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: 'sub/out' } },
        },
      });
      const id = (submitted.json.data as { prompt_id: string }).prompt_id;
      const deadline = Date.now() + 10_000;
      let image: { filename: string; subfolder: string; type: string } | undefined;
      while (!image && Date.now() < deadline) {
        const history = await gw.call('GET', `/api/v1/workflows/${id}/history`);
        const outputs = (history.json.data as { outputs?: Record<string, { images?: (typeof image)[] }> } | null)?.outputs;
        image = outputs?.['2']?.images?.[0];
        if (!image) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(image).toMatchObject({ subfolder: 'sub', type: 'output' });
      const link = await gw.call(
        'GET',
        `/api/v1/images/url?filename=${encodeURIComponent(image!.filename)}&subfolder=sub&img_type=output`,
      );
      const response = await fetch((link.json.data as { url: string }).url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/png');
      const bytes = Buffer.from(await response.arrayBuffer());
      expect(bytes.subarray(1, 4).toString('ascii')).toBe('PNG');
    });
  });
});
