// Video files from an IMAGE batch, written from the Matroska/WebM and ISO base media (MP4) layouts. The
// simulator has no video encoder, so the frames are stored uncompressed (Matroska V_UNCOMPRESSED; an MP4 'raw '
// sample entry), 24-bit RGB: the container, its boxes/elements, sizes and timing are real, the codec is not
// the VP9/H.264 that ComfyUI's encoder would pick.
import type { ImageBatch } from './types.js';

// ---- Matroska / WebM (EBML) ----
function vintSize(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n) | (1n << 56n)); // the 8-byte size form: marker bit, then 56 bits of length
  return b;
}
function el(id: number, data: Buffer): Buffer {
  const idBytes = Buffer.from(id.toString(16).padStart(id > 0xffffff ? 8 : id > 0xffff ? 6 : id > 0xff ? 4 : 2, '0'), 'hex');
  return Buffer.concat([idBytes, vintSize(data.length), data]);
}
function uint(id: number, n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return el(id, b);
}
const str = (id: number, s: string): Buffer => el(id, Buffer.from(s, 'utf8'));
function float(id: number, n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(n);
  return el(id, b);
}

export function webmFile(batch: ImageBatch, fps: number): Buffer {
  const frameMs = 1000 / fps;
  const header = el(0x1a45dfa3, Buffer.concat([
    uint(0x4286, 1), uint(0x42f7, 1), uint(0x42f2, 4), uint(0x42f3, 8), str(0x4282, 'webm'), uint(0x4287, 4), uint(0x4285, 2),
  ]));
  const info = el(0x1549a966, Buffer.concat([
    uint(0x2ad7b1, 1_000_000), str(0x4d80, 'comfyui-sim'), str(0x5741, 'comfyui-sim'), float(0x4489, batch.frames.length * frameMs),
  ]));
  const video = el(0xe0, Buffer.concat([uint(0xb0, batch.width), uint(0xba, batch.height), el(0x2eb524, Buffer.from('RGB\x18', 'latin1'))]));
  const tracks = el(0x1654ae6b, el(0xae, Buffer.concat([
    uint(0xd7, 1), uint(0x73c5, 1), uint(0x83, 1), str(0x86, 'V_UNCOMPRESSED'), uint(0x23e383, Math.round(frameMs * 1e6)), video,
  ])));
  const blocks = batch.frames.map((frame, i) => {
    const head = Buffer.alloc(4);
    head[0] = 0x81; // track 1
    head.writeInt16BE(Math.round(i * frameMs), 1);
    head[3] = 0x80; // keyframe
    return el(0xa3, Buffer.concat([head, frame]));
  });
  const cluster = el(0x1f43b675, Buffer.concat([uint(0xe7, 0), ...blocks]));
  return Buffer.concat([header, el(0x18538067, Buffer.concat([info, tracks, cluster]))]);
}

// ---- MP4 (ISO base media file format) ----
function box(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const size = Buffer.alloc(4);
  size.writeUInt32BE(body.length + 8);
  return Buffer.concat([size, Buffer.from(type, 'latin1'), body]);
}
function u32(...ns: number[]): Buffer {
  const b = Buffer.alloc(4 * ns.length);
  ns.forEach((n, i) => b.writeUInt32BE(n >>> 0, i * 4));
  return b;
}
function u16(...ns: number[]): Buffer {
  const b = Buffer.alloc(2 * ns.length);
  ns.forEach((n, i) => b.writeUInt16BE(n, i * 2));
  return b;
}
const MATRIX = u32(0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000);

export function mp4File(batch: ImageBatch, fps: number): Buffer {
  const { width, height, frames } = batch;
  const timescale = Math.max(1, Math.round(fps * 1000));
  const delta = 1000; // each frame lasts 1000/timescale = 1/fps seconds
  const duration = frames.length * delta;
  const ftyp = box('ftyp', Buffer.from('isom', 'latin1'), u32(0x200), Buffer.from('isomiso2mp41raw ', 'latin1'));
  const frameBytes = width * height * 3;
  const mvhd = box('mvhd', u32(0, 0, 0, timescale, duration, 0x10000), u16(0x100, 0), u32(0, 0), MATRIX, Buffer.alloc(24), u32(2));
  const tkhd = box('tkhd', u32(3, 0, 0, 1, 0, duration, 0, 0), u16(0, 0, 0, 0), MATRIX, u32(width << 16, height << 16));
  const mdhd = box('mdhd', u32(0, 0, 0, timescale, duration), u16(0x55c4, 0)); // language "und"
  const hdlr = box('hdlr', u32(0, 0), Buffer.from('vide', 'latin1'), u32(0, 0, 0), Buffer.from('VideoHandler\0', 'latin1'));
  const sampleEntry = box('raw ',
    Buffer.alloc(6), u16(1), // reserved, data reference index
    u16(0, 0), u32(0, 0, 0), u16(width, height), u32(0x480000, 0x480000, 0), u16(1),
    Buffer.alloc(32), u16(24, 0xffff)); // compressor name (empty), depth 24, no colour table
  const mdatHeader = 8;
  const stblWithOffset = (offset: number): Buffer => box('stbl',
    box('stsd', u32(0, 1), sampleEntry),
    box('stts', u32(0, 1, frames.length, delta)),
    box('stsc', u32(0, 1, 1, frames.length, 1)),
    box('stsz', u32(0, frameBytes, frames.length)),
    box('stco', u32(0, 1, offset)));
  const moovFor = (offset: number): Buffer => box('moov', mvhd, box('trak', tkhd, box('mdia', mdhd, hdlr, box('minf',
    box('vmhd', u32(1), u16(0, 0, 0, 0)),
    box('dinf', box('dref', u32(0, 1), box('url ', u32(1)))),
    stblWithOffset(offset)))));
  // The chunk offset depends on the moov size, which does not depend on the offset's value.
  const offset = ftyp.length + moovFor(0).length + mdatHeader;
  return Buffer.concat([ftyp, moovFor(offset), box('mdat', ...frames)]);
}
