// Every output kind the simulator has, checked in its files: the ui entry (key, subfolder, type, animated), the
// /view content type, and the bytes parsed by each format's own layout (chunks and their CRCs, EBML elements, MP4
// boxes, FLAC and MP3 frame headers) — not by the code that wrote them.
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.js';
import { animatedPng, animatedWebp } from '../src/nodes/animation-files.js';
import type { ImageBatch } from '../src/nodes/types.js';
import { request, startTestSim, submit, waitHistory } from './harness.js';

const W = 32;
const H = 24;
const emptyImage = (batch: number) => ({ class_type: 'EmptyImage', inputs: { width: W, height: H, batch_size: batch, color: 0x3366cc } });
const emptyAudio = { class_type: 'EmptyAudio', inputs: { duration: 0.5, sample_rate: 16000, channels: 1 } };

interface FileRef {
  filename: string;
  subfolder: string;
  type: string;
}

/** PNG chunks, each CRC checked. */
function pngChunks(png: Buffer): string[] {
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  const types: string[] = [];
  for (let at = 8; at < png.length; ) {
    const len = png.readUInt32BE(at);
    const body = png.subarray(at + 4, at + 8 + len);
    expect(png.readUInt32BE(at + 8 + len)).toBe(crc32(body) >>> 0);
    types.push(body.subarray(0, 4).toString('latin1'));
    at += 12 + len;
  }
  return types;
}

/** EBML: [id hex, payload] of the elements in a buffer. */
function ebml(buf: Buffer): [string, Buffer][] {
  const out: [string, Buffer][] = [];
  for (let at = 0; at < buf.length; ) {
    const idLen = Math.clz32(buf[at] ?? 0) - 23;
    const id = buf.subarray(at, at + idLen).toString('hex');
    at += idLen;
    const sizeLen = Math.clz32(buf[at] ?? 0) - 23;
    let size = (buf[at] ?? 0) & (0xff >> sizeLen);
    for (let i = 1; i < sizeLen; i++) size = size * 256 + (buf[at + i] ?? 0);
    at += sizeLen;
    out.push([id, buf.subarray(at, at + size)]);
    at += size;
    expect(at).toBeLessThanOrEqual(buf.length);
  }
  return out;
}

/** MP4 boxes: [type, payload]; the sizes must tile the buffer exactly. */
function boxes(buf: Buffer): [string, Buffer][] {
  const out: [string, Buffer][] = [];
  let at = 0;
  while (at < buf.length) {
    const size = buf.readUInt32BE(at);
    expect(size).toBeGreaterThanOrEqual(8);
    out.push([buf.subarray(at + 4, at + 8).toString('latin1'), buf.subarray(at + 8, at + size)]);
    at += size;
  }
  expect(at).toBe(buf.length);
  return out;
}
const child = (list: [string, Buffer][], type: string): Buffer => {
  const found = list.find(([t]) => t === type);
  expect(found, `box ${type}`).toBeDefined();
  return (found as [string, Buffer])[1];
};

describe('output kinds, as the recorded ComfyUI reports them', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startTestSim();
  });
  afterAll(async () => sim?.close());

  async function run(prompt: Record<string, unknown>, node: string): Promise<Record<string, unknown>> {
    const id = await submit(sim, prompt);
    const entry = await waitHistory(sim, id);
    expect(entry.status?.status_str).toBe('success');
    return (entry.outputs as unknown as Record<string, Record<string, unknown>>)[node] ?? {};
  }

  async function view(ref: FileRef): Promise<{ type: string | undefined; body: Buffer }> {
    const q = new URLSearchParams({ filename: ref.filename, subfolder: ref.subfolder, type: ref.type });
    const r = await request(sim.url, `/view?${q}`);
    expect(r.status).toBe(200);
    return { type: r.headers['content-type'], body: r.body };
  }

  it('SaveAnimatedWEBP: images + animated, a WebP', async () => {
    const out = await run({ '1': emptyImage(4), '2': { class_type: 'SaveAnimatedWEBP', inputs: { images: ['1', 0], filename_prefix: 'anim', fps: 6, lossless: false, quality: 80, method: 'default' } } }, '2');
    expect(out.animated).toEqual([true]);
    const [ref] = out.images as FileRef[];
    expect(ref).toEqual({ filename: 'anim_00001_.webp', subfolder: '', type: 'output' });
    const { type, body } = await view(ref as FileRef);
    expect(type).toBe('image/webp');
    const meta = await sharp(body).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', W, H]);
  });

  it('SaveAnimatedPNG: images + animated, an APNG whose chunks check out', async () => {
    const out = await run({ '1': emptyImage(4), '2': { class_type: 'SaveAnimatedPNG', inputs: { images: ['1', 0], filename_prefix: 'apng', fps: 6, compress_level: 4 } } }, '2');
    expect(out.animated).toEqual([true]);
    const [ref] = out.images as FileRef[];
    expect(ref).toEqual({ filename: 'apng_00001_.png', subfolder: '', type: 'output' });
    const { type, body } = await view(ref as FileRef);
    expect(type).toBe('image/png');
    const chunks = pngChunks(body);
    expect(chunks.slice(0, 2)).toEqual(['IHDR', 'acTL']);
    expect(chunks).toContain('fcTL');
    expect(chunks.at(-1)).toBe('IEND');
    expect((await sharp(body).metadata()).width).toBe(W);
  });

  it('frames that differ stay separate frames (WebP pages, APNG fcTL/fdAT)', async () => {
    const frame = (v: number) => Buffer.alloc(W * H * 3, v);
    const batch: ImageBatch = { kind: 'IMAGE', width: W, height: H, frames: [frame(0), frame(0), frame(128), frame(255)] };
    const webp = await animatedWebp(batch, 6, 80, false);
    expect((await sharp(webp, { animated: true }).metadata()).pages).toBe(3);
    const apng = pngChunks(animatedPng(batch, 6, 4, []));
    expect(apng.filter((t) => t === 'fcTL')).toHaveLength(3);
    expect(apng.filter((t) => t === 'fdAT')).toHaveLength(2);
  });

  it('SaveWEBM: images + animated, a WebM (EBML, doctype webm) with one block per frame', async () => {
    const out = await run({ '1': emptyImage(4), '2': { class_type: 'SaveWEBM', inputs: { images: ['1', 0], filename_prefix: 'webm', codec: 'vp9', fps: 24, crf: 32 } } }, '2');
    expect(out.animated).toEqual([true]);
    const [ref] = out.images as FileRef[];
    expect(ref).toEqual({ filename: 'webm_00001_.webm', subfolder: '', type: 'output' });
    const { type, body } = await view(ref as FileRef);
    expect(type).toBe('video/webm');
    const top = ebml(body);
    expect(top.map(([id]) => id)).toEqual(['1a45dfa3', '18538067']);
    const docType = ebml(top[0]?.[1] ?? Buffer.alloc(0)).find(([id]) => id === '4282')?.[1].toString();
    expect(docType).toBe('webm');
    const segment = ebml(top[1]?.[1] ?? Buffer.alloc(0));
    const cluster = ebml(segment.find(([id]) => id === '1f43b675')?.[1] ?? Buffer.alloc(0));
    const blocks = cluster.filter(([id]) => id === 'a3');
    expect(blocks.map(([, b]) => b.length)).toEqual(Array(4).fill(4 + W * H * 3));
  });

  it('CreateVideo → SaveVideo: images + animated in video/, an MP4 whose boxes tile the file', async () => {
    const out = await run({
      '1': emptyImage(8),
      '2': { class_type: 'CreateVideo', inputs: { images: ['1', 0], fps: 8 } },
      '3': { class_type: 'SaveVideo', inputs: { video: ['2', 0], filename_prefix: 'video/clip', format: 'auto', codec: 'auto' } },
    }, '3');
    expect(out.animated).toEqual([true]);
    const [ref] = out.images as FileRef[];
    expect(ref).toEqual({ filename: 'clip_00001_.mp4', subfolder: 'video', type: 'output' });
    const { type, body } = await view(ref as FileRef);
    expect(type).toBe('video/mp4');
    const top = boxes(body);
    expect(top.map(([t]) => t)).toEqual(['ftyp', 'moov', 'mdat']);
    const stbl = boxes(child(boxes(child(boxes(child(boxes(child(boxes(child(top, 'moov')), 'trak')), 'mdia')), 'minf')), 'stbl'));
    const chunkOffset = child(stbl, 'stco').readUInt32BE(8);
    const mdat = child(top, 'mdat');
    expect(chunkOffset).toBe(body.length - mdat.length);
    expect(mdat.length).toBe(8 * W * H * 3);
  });

  it('SaveAudio: audio in audio/, a FLAC whose STREAMINFO and frames agree', async () => {
    const out = await run({ '1': emptyAudio, '2': { class_type: 'SaveAudio', inputs: { audio: ['1', 0], filename_prefix: 'audio/tone' } } }, '2');
    const [ref] = out.audio as FileRef[];
    expect(ref).toEqual({ filename: 'tone_00001_.flac', subfolder: 'audio', type: 'output' });
    expect(out.animated).toBeUndefined();
    const { type, body } = await view(ref as FileRef);
    expect(type).toBe('audio/flac');
    expect(body.subarray(0, 4).toString('latin1')).toBe('fLaC');
    let at = 4;
    let last = false;
    let info: Buffer = Buffer.alloc(0);
    while (!last) {
      last = ((body[at] ?? 0) & 0x80) !== 0;
      const length = body.readUIntBE(at + 1, 3);
      if (((body[at] ?? 0) & 0x7f) === 0) info = body.subarray(at + 4, at + 4 + length);
      at += 4 + length;
    }
    const packed = info.readBigUInt64BE(10);
    expect(Number(packed >> 44n)).toBe(16000);
    expect(Number((packed >> 41n) & 7n) + 1).toBe(1);
    expect(Number(packed & 0xfffffffffn)).toBe(8000);
    expect(body.readUInt16BE(at)).toBe(0xfff8); // the first frame's sync code
  });

  it('SaveAudioMP3: audio, an MP3 (ID3 tag, then layer III frames that tile the rest)', async () => {
    const out = await run({ '1': emptyAudio, '2': { class_type: 'SaveAudioMP3', inputs: { audio: ['1', 0], filename_prefix: 'audio/tone', quality: '128k' } } }, '2');
    const [ref] = out.audio as FileRef[];
    expect(ref).toEqual({ filename: 'tone_00002_.mp3', subfolder: 'audio', type: 'output' });
    const { type, body } = await view(ref as FileRef);
    expect(type).toBe('audio/mpeg');
    expect(body.subarray(0, 3).toString('latin1')).toBe('ID3');
    const tagSize = ((body[6] ?? 0) << 21) | ((body[7] ?? 0) << 14) | ((body[8] ?? 0) << 7) | (body[9] ?? 0);
    let at = 10 + tagSize;
    let frames = 0;
    while (at < body.length) {
      // MPEG-2 layer III at 16 kHz, 128 kbit/s (bitrate index 12): 72 * 128000 / 16000 = 576 bytes a frame.
      expect(body.readUInt16BE(at) & 0xfffe).toBe(0xfff2);
      expect((body[at + 2] ?? 0) >> 4).toBe(12);
      at += 576;
      frames++;
    }
    expect(at).toBe(body.length);
    expect(frames * 576).toBeGreaterThanOrEqual(8000); // 576 samples a frame cover the 8000 samples
  });

  it('PreviewAudio: a temp FLAC with the random ComfyUI_temp_ prefix', async () => {
    const out = await run({ '1': emptyAudio, '2': { class_type: 'PreviewAudio', inputs: { audio: ['1', 0] } } }, '2');
    const [ref] = out.audio as FileRef[];
    expect(ref?.filename).toMatch(/^ComfyUI_temp_[a-z]{5}_00001_\.flac$/);
    expect(ref).toMatchObject({ subfolder: '', type: 'temp' });
    const { type, body } = await view(ref as FileRef);
    expect(type).toBe('audio/flac');
    expect(body.subarray(0, 4).toString('latin1')).toBe('fLaC');
  });

  it('PreviewAny: text, a list of strings, no file', async () => {
    const text = await run({
      '1': { class_type: 'StringConcatenate', inputs: { string_a: 'a red fox', string_b: 'in the snow', delimiter: ', ' } },
      '2': { class_type: 'PreviewAny', inputs: { source: ['1', 0] } },
    }, '2');
    expect(text).toEqual({ text: ['a red fox, in the snow'] });
    const primitive = await run({
      '1': { class_type: 'PrimitiveString', inputs: { value: 'hello 世界' } },
      '2': { class_type: 'PreviewAny', inputs: { source: ['1', 0] } },
    }, '2');
    expect(primitive).toEqual({ text: ['hello 世界'] });
  });
});
