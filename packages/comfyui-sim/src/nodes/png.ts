// PNG helpers: SaveImage embeds the prompt and extra_pnginfo as tEXt chunks, as PIL's PngInfo does.
import sharp from 'sharp';
import type { Sharp } from 'sharp';
import { crc32 } from 'node:zlib';
import type { ImageBatch } from './types.js';

/** One PNG chunk: length, type, data, CRC-32 of type + data. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

/** Inserts tEXt chunks right after IHDR (signature 8 bytes + IHDR 25 bytes). */
export function withTextChunks(png: Buffer, texts: [key: string, value: string][]): Buffer {
  if (texts.length === 0) return png;
  const head = png.subarray(0, 33);
  const rest = png.subarray(33);
  const chunks = texts.map(([k, v]) => pngChunk('tEXt', Buffer.from(`${k}\0${v}`, 'latin1')));
  return Buffer.concat([head, ...chunks, rest]);
}

export async function encodePng(batch: ImageBatch, frame: Buffer, compressionLevel: number): Promise<Buffer> {
  return sharp(frame, { raw: { width: batch.width, height: batch.height, channels: 3 } })
    .png({ compressionLevel })
    .toBuffer();
}

export function rawImage(frame: Buffer, width: number, height: number): Sharp {
  return sharp(frame, { raw: { width, height, channels: 3 } });
}
