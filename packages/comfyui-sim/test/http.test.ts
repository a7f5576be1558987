// HTTP surface: origin check, /api aliases, aiohttp's error pages, 413, uploads, /view, /object_info.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.js';
import { multipart } from './client.js';
import { postJson, request, startTestSim, testPng, upload } from './harness.js';

describe('HTTP surface', () => {
  let sim: Simulator;
  let png: Buffer;
  beforeAll(async () => {
    sim = await startTestSim({ maxUploadSize: 64 * 1024 });
    png = await testPng();
  });
  afterAll(() => sim.close());

  it('refuses a foreign Origin on a loopback Host with an empty 403, also on the WebSocket upgrade', async () => {
    const own = new URL(sim.url).host;
    const cases: [Record<string, string>, number][] = [
      [{ Origin: 'http://evil.example' }, 403],
      [{ Origin: `http://localhost:${sim.port}` }, 403],
      [{ Origin: `http://${own}` }, 200],
      [{ Origin: 'http://127.0.0.1:1' }, 403],
      [{ Origin: 'http://127.0.0.1' }, 200], // no port in Origin: only host names are compared
      [{ Origin: 'http://evil.example', Host: '203.0.113.9:443' }, 200],
    ];
    for (const [headers, status] of cases) {
      const r = await request(sim.url, '/system_stats', { headers });
      expect([headers, r.status]).toEqual([headers, status]);
      if (status === 403) expect([r.body.length, r.headers['content-type']]).toEqual([0, 'application/octet-stream']);
    }
    const { default: WebSocket } = await import('ws');
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${sim.url.replace('http', 'ws')}/ws`, { origin: 'http://evil.example' });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => undefined);
    });
    expect(status).toBe(403);
  });

  it('serves every route under /api too, answers OPTIONS bare, and 404/405 like aiohttp', async () => {
    expect((await request(sim.url, '/api/queue')).json()).toEqual({ queue_running: [], queue_pending: [] });
    expect((await request(sim.url, '/api/object_info/ImageInvert')).status).toBe(200);
    const opt = await request(sim.url, '/prompt', { method: 'OPTIONS' });
    expect([opt.status, opt.body.length]).toEqual([200, 0]);
    const nf = await request(sim.url, '/nope');
    expect([nf.status, nf.text(), nf.headers['content-type']]).toEqual([404, '404: Not Found', 'text/plain; charset=utf-8']);
    const na = await request(sim.url, '/interrupt');
    expect([na.status, na.text()]).toEqual([405, '405: Method Not Allowed']);
    const head = await request(sim.url, '/queue', { method: 'HEAD' });
    expect([head.status, head.body.length]).toEqual([200, 0]);
    expect((await request(sim.url, '/api/')).status).toBe(404); // static routes have no /api twin
  });

  it('answers 413 for a body past the upload limit', async () => {
    const r = await postJson(sim.url, '/prompt', { prompt: {}, pad: 'x'.repeat(70 * 1024) });
    expect(r.status).toBe(413);
    expect(r.text()).toMatch(/^Maximum request body size 65536 exceeded, actual body size \d+$/);
    const big = await upload(sim, 'big.png', Buffer.alloc(70 * 1024));
    expect(big.status).toBe(413);
  });

  it('uploads: new name, identical duplicate kept, different bytes renamed, overwrite, subfolder, temp', async () => {
    expect((await upload(sim, 'u.png', png)).json()).toEqual({ name: 'u.png', subfolder: '', type: 'input' });
    expect((await upload(sim, 'u.png', png)).json()).toEqual({ name: 'u.png', subfolder: '', type: 'input' });
    const other = Buffer.concat([png, Buffer.from('x')]);
    expect((await upload(sim, 'u.png', other)).json()).toEqual({ name: 'u (1).png', subfolder: '', type: 'input' });
    expect((await upload(sim, 'u.png', Buffer.concat([png, Buffer.from('y')]))).json()).toMatchObject({ name: 'u (2).png' });
    expect((await upload(sim, 'u.png', other, { overwrite: 'true' })).json()).toMatchObject({ name: 'u.png' });
    expect((await upload(sim, 's.png', png, { subfolder: 'a/b' })).json()).toEqual({ name: 's.png', subfolder: 'a/b', type: 'input' });
    expect((await upload(sim, 't.png', png, { type: 'temp' })).json()).toEqual({ name: 't.png', subfolder: '', type: 'temp' });
    expect((await upload(sim, 'e.png', png, { subfolder: '../../etc' })).status).toBe(400);
    expect((await upload(sim, 'e.png', png, { type: 'bogus' })).status).toBe(500);
    const noImage = multipart([{ name: 'notimage', value: 'x' }]);
    expect((await request(sim.url, '/upload/image', { method: 'POST', headers: { 'Content-Type': noImage.contentType }, body: noImage.body })).status).toBe(400);
    const list = (await request(sim.url, '/object_info/LoadImage')).json() as { LoadImage: { input: { required: { image: [string[], unknown] } } } };
    expect(list.LoadImage.input.required.image[0]).toEqual(['example.png', 'u (1).png', 'u (2).png', 'u.png']);
  });

  it('serves /view with the real rules and conversions', async () => {
    await upload(sim, 'v.png', png, { overwrite: 'true' });
    await upload(sim, 'w.png', png, { subfolder: 'sub', overwrite: 'true' });
    const status = async (q: string): Promise<number> => (await request(sim.url, `/view?${q}`)).status;
    expect(await status('type=input')).toBe(404);
    expect(await status('filename=v.png')).toBe(404); // type defaults to output
    expect(await status('filename=..%2Fx.png&type=input')).toBe(400);
    expect(await status('filename=a..b.png&type=input')).toBe(400);
    expect(await status('filename=%2Fetc%2Fpasswd&type=input')).toBe(400);
    expect(await status('filename=v.png&type=models')).toBe(400);
    expect(await status('filename=v.png&type=input&subfolder=..')).toBe(403);
    expect(await status('filename=w.png&type=input&subfolder=sub')).toBe(200);
    expect(await status('filename=v.png%20%5Binput%5D&type=output')).toBe(200);

    const raw = await request(sim.url, '/view?filename=v.png&type=input');
    expect(raw.headers).toMatchObject({ 'content-type': 'image/png', 'content-disposition': 'filename="v.png"', 'accept-ranges': 'bytes' });
    expect(raw.body.equals(png)).toBe(true);
    expect(raw.headers['cache-control']).toBeUndefined();
    const etag = raw.headers.etag as string;
    expect((await request(sim.url, '/view?filename=v.png&type=input', { headers: { 'If-None-Match': etag } })).status).toBe(304);
    const part = await request(sim.url, '/view?filename=v.png&type=input', { headers: { Range: 'bytes=0-7' } });
    expect([part.status, part.body.toString('hex')]).toEqual([206, '89504e470d0a1a0a']);
    const head = await request(sim.url, '/view?filename=v.png&type=input', { method: 'HEAD' });
    expect([head.status, head.headers['content-length'], head.body.length]).toEqual([200, String(png.length), 0]);

    const webp = await request(sim.url, '/view?filename=v.png&type=input&preview=webp;50');
    expect([webp.headers['content-type'], webp.body.subarray(0, 4).toString()]).toEqual(['image/webp', 'RIFF']);
    const jpeg = await request(sim.url, '/view?filename=v.png&type=input&preview=jpeg');
    expect(jpeg.headers['content-type']).toBe('image/jpeg');
    const alpha = await request(sim.url, '/view?filename=v.png&type=input&channel=a');
    const a = await sharp(alpha.body).raw().toBuffer({ resolveWithObject: true });
    expect([a.info.channels, a.data[0], a.data[3]]).toEqual([4, 0, 255]);
    const rgb = await request(sim.url, '/view?filename=v.png&type=input&channel=rgb');
    expect((await sharp(rgb.body).metadata()).channels).toBe(3);
  });

  it('describes nodes: unknown class → {}, checkpoint choices, system_stats', async () => {
    expect((await request(sim.url, '/object_info/DoesNotExist')).json()).toEqual({});
    const all = (await request(sim.url, '/object_info')).json() as Record<string, { input: { required: Record<string, unknown[]> } }>;
    expect(Object.keys(all)).toEqual(expect.arrayContaining(['LoadImage', 'SaveImage', 'KSampler', 'VAEDecode', 'Morphology']));
    expect(all.CheckpointLoaderSimple?.input.required.ckpt_name?.[0]).toEqual(['v1-5-pruned-emaonly-fp16.safetensors', 'v1-5-pruned-emaonly.safetensors']);
    // The wire text keeps Python's floats and the exact 2^64-1 seed maximum.
    const text = (await request(sim.url, '/object_info/KSampler')).text();
    expect(text).toContain('"max": 18446744073709551615');
    expect(text).toContain('"default": 8.0');
    const stats = (await request(sim.url, '/system_stats')).json() as { system: Record<string, unknown>; devices: Record<string, unknown>[] };
    expect(stats.system.comfyui_version).toBe('0.3.64');
    expect(stats.devices[0]).toMatchObject({ name: 'cpu', type: 'cpu', index: null });
  });
});
