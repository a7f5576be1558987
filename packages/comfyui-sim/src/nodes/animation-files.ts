// Animated images from an IMAGE batch. WebP goes through libvips (sharp); APNG, which libvips does not write, is
// assembled here from the PNG and APNG chunk layouts. Like the recorded ComfyUI (PIL), consecutive identical
// frames become one frame shown for their combined time: a batch of one colour is a single frame.
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { pngChunk } from './png.js';
import type { ImageBatch } from './types.js';

interface Run {
  frame: Buffer;
  count: number;
}

function runs(batch: ImageBatch): Run[] {
  const out: Run[] = [];
  for (const frame of batch.frames) {
    const last = out.at(-1);
    if (last && last.frame.equals(frame)) last.count++;
    else out.push({ frame, count: 1 });
  }
  return out;
}

export async function animatedWebp(batch: ImageBatch, fps: number, quality: number, lossless: boolean): Promise<Buffer> {
  const frames = runs(batch);
  const { width, height } = batch;
  const tall = Buffer.concat(frames.map((r) => r.frame));
  const delay = frames.map((r) => Math.round((1000 * r.count) / fps));
  return sharp(tall, { raw: { width, height: height * frames.length, channels: 3, pageHeight: height } })
    .webp({ quality, lossless, loop: 0, delay })
    .toBuffer();
}

/** One frame's zlib stream: every scanline with filter type 0. */
function pixels(frame: Buffer, width: number, height: number, level: number): Buffer {
  const row = width * 3;
  const lines = Buffer.alloc((row + 1) * height);
  for (let y = 0; y < height; y++) frame.copy(lines, y * (row + 1) + 1, y * row, (y + 1) * row);
  return deflateSync(lines, { level });
}

export function animatedPng(batch: ImageBatch, fps: number, compressLevel: number, texts: [string, string][]): Buffer {
  const { width, height } = batch;
  const frames = runs(batch);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, adaptive filtering, no interlace
  const actl = Buffer.alloc(8);
  actl.writeUInt32BE(frames.length, 0); // num_frames; num_plays 0 = loop forever
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('acTL', actl)];
  for (const [k, v] of texts) parts.push(pngChunk('tEXt', Buffer.from(`${k}\0${v}`, 'latin1')));
  let sequence = 0;
  frames.forEach((run, i) => {
    const fctl = Buffer.alloc(26);
    fctl.writeUInt32BE(sequence++, 0);
    fctl.writeUInt32BE(width, 4);
    fctl.writeUInt32BE(height, 8);
    // x/y offsets 0; delay = count/fps seconds as a fraction with a 1000 denominator; dispose none, blend source.
    fctl.writeUInt16BE(Math.min(65535, Math.round((1000 * run.count) / fps)), 20);
    fctl.writeUInt16BE(1000, 22);
    parts.push(pngChunk('fcTL', fctl));
    const data = pixels(run.frame, width, height, compressLevel);
    if (i === 0) {
      parts.push(pngChunk('IDAT', data));
    } else {
      const seq = Buffer.alloc(4);
      seq.writeUInt32BE(sequence++);
      parts.push(pngChunk('fdAT', Buffer.concat([seq, data])));
    }
  });
  parts.push(pngChunk('IEND', Buffer.alloc(0)));
  return Buffer.concat(parts);
}
