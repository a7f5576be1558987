// Minimal, valid audio files for silent clips (EmptyAudio's output), written from the format specifications:
// FLAC (STREAMINFO, a Vorbis comment holding the prompt, CONSTANT subframes) and MP3 (an ID3v2.4 tag with the
// prompt, then MPEG audio layer III frames whose side information codes silence).
import type { AudioClip } from './types.js';

function crc8(bytes: Buffer): number {
  let crc = 0;
  for (const b of bytes) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

function crc16(bytes: Buffer): number {
  let crc = 0;
  for (const b of bytes) {
    crc ^= b << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x8005) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** FLAC's UTF-8-like coding of the frame number. */
function codedNumber(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  if (n < 0x800) return Buffer.from([0xc0 | (n >> 6), 0x80 | (n & 0x3f)]);
  if (n < 0x10000) return Buffer.from([0xe0 | (n >> 12), 0x80 | ((n >> 6) & 0x3f), 0x80 | (n & 0x3f)]);
  return Buffer.from([0xf0 | (n >> 18), 0x80 | ((n >> 12) & 0x3f), 0x80 | ((n >> 6) & 0x3f), 0x80 | (n & 0x3f)]);
}

const FLAC_BLOCK = 4096;

export function flacFile(clip: AudioClip, comments: [string, string][]): Buffer {
  const bits = 16;
  const info = Buffer.alloc(34);
  const block = Math.min(FLAC_BLOCK, Math.max(16, clip.samples));
  info.writeUInt16BE(block, 0);
  info.writeUInt16BE(block, 2);
  // min/max frame size (6 bytes) stay 0: unknown.
  // sample rate (20 bits) | channels - 1 (3) | bits - 1 (5) | total samples (36), then an MD5 of 0 (not computed).
  const packed = (BigInt(clip.sampleRate) << 44n) | (BigInt(clip.channels - 1) << 41n) | (BigInt(bits - 1) << 36n) | BigInt(clip.samples);
  info.writeBigUInt64BE(packed, 10);
  const vendor = Buffer.from('comfyui-sim', 'utf8');
  const entries = comments.map(([k, v]) => Buffer.from(`${k}=${v}`, 'utf8'));
  const vorbis = Buffer.concat([
    u32le(vendor.length), vendor, u32le(entries.length), ...entries.flatMap((e) => [u32le(e.length), e]),
  ]);
  const frames: Buffer[] = [];
  for (let start = 0, n = 0; start < clip.samples; start += FLAC_BLOCK, n++) {
    const size = Math.min(FLAC_BLOCK, clip.samples - start);
    const header = Buffer.concat([
      // sync + fixed block size; block size read from the header end (0x7), rate from STREAMINFO (0x0);
      // independent channels, 16-bit samples (0x8).
      Buffer.from([0xff, 0xf8, 0x70, ((clip.channels - 1) << 4) | 0x08]),
      codedNumber(n),
      Buffer.from([((size - 1) >> 8) & 0xff, (size - 1) & 0xff]),
    ]);
    // Each channel: a CONSTANT subframe (type 000000, no wasted bits) holding the sample value 0.
    const subframes = Buffer.alloc(clip.channels * 3);
    const frame = Buffer.concat([header, Buffer.from([crc8(header)]), subframes]);
    const crc = Buffer.alloc(2);
    crc.writeUInt16BE(crc16(frame));
    frames.push(frame, crc);
  }
  return Buffer.concat([
    Buffer.from('fLaC', 'latin1'),
    metadataHeader(false, 0, info.length), info,
    metadataHeader(true, 4, vorbis.length), vorbis,
    ...frames,
  ]);
}

function metadataHeader(last: boolean, type: number, length: number): Buffer {
  return Buffer.from([(last ? 0x80 : 0) | type, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff]);
}

function u32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

function syncsafe(n: number): Buffer {
  return Buffer.from([(n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f]);
}

function id3(texts: [string, string][]): Buffer {
  const frames = texts.map(([description, value]) => {
    const body = Buffer.concat([Buffer.from([3]), Buffer.from(`${description}\0${value}`, 'utf8')]);
    return Buffer.concat([Buffer.from('TXXX', 'latin1'), syncsafe(body.length), Buffer.from([0, 0]), body]);
  });
  const all = Buffer.concat(frames);
  return Buffer.concat([Buffer.from('ID3', 'latin1'), Buffer.from([4, 0, 0]), syncsafe(all.length), all]);
}

// MPEG-1 (32, 44.1, 48 kHz) and MPEG-2 (16, 22.05, 24 kHz) layer III: the sampling-rate index and the
// bitrate indexes (kbit/s) each version allows.
const MPEG1 = { rates: [44100, 48000, 32000], kbps: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320] };
const MPEG2 = { rates: [22050, 24000, 16000], kbps: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160] };

/** The MP3 sample rate used for a clip: its own when MP3 has it, else the nearest one MP3 has. */
export function mp3Rate(rate: number): number {
  const all = [...MPEG1.rates, ...MPEG2.rates];
  return all.reduce((best, r) => (Math.abs(r - rate) < Math.abs(best - rate) ? r : best), all[0] ?? 44100);
}

export function mp3File(clip: AudioClip, kbpsWanted: number, texts: [string, string][]): Buffer {
  const rate = mp3Rate(clip.sampleRate);
  const mpeg1 = MPEG1.rates.includes(rate);
  const table = mpeg1 ? MPEG1 : MPEG2;
  const rateIndex = table.rates.indexOf(rate);
  const bitrateIndex = table.kbps.reduce((best, k, i) => (i > 0 && Math.abs(k - kbpsWanted) < Math.abs((table.kbps[best] ?? 0) - kbpsWanted) ? i : best), 1);
  const kbps = table.kbps[bitrateIndex] ?? 128;
  const samplesPerFrame = mpeg1 ? 1152 : 576;
  const frameBytes = Math.floor(((mpeg1 ? 144 : 72) * kbps * 1000) / rate);
  const mono = clip.channels === 1;
  const header = Buffer.from([
    0xff,
    mpeg1 ? 0xfb : 0xf3, // sync, version (11 MPEG-1 / 10 MPEG-2), layer III, no CRC
    (bitrateIndex << 4) | (rateIndex << 2), // no padding
    mono ? 0xc0 : 0x00, // single channel or stereo; no copyright, original or emphasis
  ]);
  // Side information of all zeros: no main data, every granule silent. The rest of the frame is padding.
  const frame = Buffer.alloc(frameBytes);
  header.copy(frame);
  const count = Math.max(1, Math.ceil(clip.samples / samplesPerFrame));
  return Buffer.concat([id3(texts), ...Array.from({ length: count }, () => frame)]);
}
