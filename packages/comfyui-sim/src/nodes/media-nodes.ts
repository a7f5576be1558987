// Output nodes beyond still images, reporting as the recorded ComfyUI does: animations and videos under
// `images` with `animated: [true]`, sound under `audio`, text under `text` (no file).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pyJson } from '../py-json.js';
import { isObject, num, pyStr, type JsonObject } from '../py.js';
import { animatedPng, animatedWebp } from './animation-files.js';
import { flacFile, mp3File } from './audio-files.js';
import { asImage } from './image-nodes.js';
import { getSaveImagePath } from './save-path.js';
import { NodeError, type AudioClip, type NodeContext, type NodeImpl, type NodeValue, type Video } from './types.js';
import { mp4File, webmFile } from './video-files.js';

/** The prompt and extra_pnginfo, as the save nodes embed them in their files' metadata. */
function metadata(ctx: NodeContext): [string, string][] {
  const texts: [string, string][] = [['prompt', pyJson(ctx.prompt)]];
  const pnginfo = ctx.extraData.extra_pnginfo;
  if (isObject(pnginfo)) for (const [k, v] of Object.entries(pnginfo)) texts.push([k, pyJson(v)]);
  return texts;
}

/** Writes one file named <prefix>_<counter>_.<ext> and returns its ui entry. */
function save(prefix: string, dir: string, type: 'output' | 'temp', ext: string, size: [number, number], bytes: Buffer): JsonObject {
  const target = getSaveImagePath(prefix, dir, size[0], size[1]);
  const file = `${target.filename}_${String(target.counter).padStart(5, '0')}_.${ext}`;
  writeFileSync(path.join(target.folder, file), bytes);
  return { filename: file, subfolder: target.subfolder, type };
}

const prefixOf = (v: NodeValue | undefined, fallback: string): string => (typeof v === 'string' ? v : fallback);

// The letters PreviewImage and PreviewAudio draw their random suffix from (sic: "p" twice, no "w").
const PREVIEW_LETTERS = 'abcdefghijklmnopqrstupvxyz';
function tempPrefix(): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += PREVIEW_LETTERS[Math.floor(Math.random() * PREVIEW_LETTERS.length)];
  return `ComfyUI_temp_${suffix}`;
}

export const SaveAnimatedWEBP: NodeImpl = {
  async run(inputs, ctx) {
    const images = asImage(inputs.images, 'images');
    const bytes = await animatedWebp(images, num(inputs.fps), num(inputs.quality), inputs.lossless === true);
    const entry = save(prefixOf(inputs.filename_prefix, 'ComfyUI'), ctx.folders.output, 'output', 'webp', [images.width, images.height], bytes);
    return { outputs: [], ui: { images: [entry], animated: [true] } };
  },
};

export const SaveAnimatedPNG: NodeImpl = {
  async run(inputs, ctx) {
    const images = asImage(inputs.images, 'images');
    const bytes = animatedPng(images, num(inputs.fps), num(inputs.compress_level), metadata(ctx));
    const entry = save(prefixOf(inputs.filename_prefix, 'ComfyUI'), ctx.folders.output, 'output', 'png', [images.width, images.height], bytes);
    return { outputs: [], ui: { images: [entry], animated: [true] } };
  },
};

export const SaveWEBM: NodeImpl = {
  async run(inputs, ctx) {
    const images = asImage(inputs.images, 'images');
    const bytes = webmFile(images, num(inputs.fps));
    const entry = save(prefixOf(inputs.filename_prefix, 'ComfyUI'), ctx.folders.output, 'output', 'webm', [images.width, images.height], bytes);
    return { outputs: [], ui: { images: [entry], animated: [true] } };
  },
};

function asVideo(v: NodeValue | undefined): Video {
  if (v && typeof v === 'object' && 'kind' in v && v.kind === 'VIDEO') return v as Video;
  throw new NodeError('AttributeError', "'NoneType' object has no attribute 'get_dimensions'");
}

export const CreateVideo: NodeImpl = {
  async run(inputs) {
    return { outputs: [{ kind: 'VIDEO', images: asImage(inputs.images, 'images'), fps: num(inputs.fps) } satisfies Video] };
  },
};

export const SaveVideo: NodeImpl = {
  async run(inputs, ctx) {
    const video = asVideo(inputs.video);
    const { width, height } = video.images;
    // format "auto" and "mp4" both give MP4 (ComfyUI's only container choice besides auto).
    const bytes = mp4File(video.images, video.fps);
    const entry = save(prefixOf(inputs.filename_prefix, 'video/ComfyUI'), ctx.folders.output, 'output', 'mp4', [width, height], bytes);
    return { outputs: [], ui: { images: [entry], animated: [true] } };
  },
};

function asAudio(v: NodeValue | undefined): AudioClip {
  if (v && typeof v === 'object' && 'kind' in v && v.kind === 'AUDIO') return v as AudioClip;
  throw new NodeError('TypeError', "'NoneType' object is not subscriptable");
}

export const EmptyAudio: NodeImpl = {
  async run(inputs) {
    const sampleRate = num(inputs.sample_rate);
    const clip: AudioClip = { kind: 'AUDIO', sampleRate, channels: num(inputs.channels), samples: Math.floor(num(inputs.duration) * sampleRate) };
    return { outputs: [clip] };
  },
};

export const SaveAudio: NodeImpl = {
  async run(inputs, ctx) {
    const bytes = flacFile(asAudio(inputs.audio), metadata(ctx));
    return { outputs: [], ui: { audio: [save(prefixOf(inputs.filename_prefix, 'audio/ComfyUI'), ctx.folders.output, 'output', 'flac', [0, 0], bytes)] } };
  },
};

const MP3_KBPS: Record<string, number> = { V0: 245, '128k': 128, '320k': 320 };

export const SaveAudioMP3: NodeImpl = {
  async run(inputs, ctx) {
    const bytes = mp3File(asAudio(inputs.audio), MP3_KBPS[pyStr(inputs.quality)] ?? 245, metadata(ctx));
    return { outputs: [], ui: { audio: [save(prefixOf(inputs.filename_prefix, 'audio/ComfyUI'), ctx.folders.output, 'output', 'mp3', [0, 0], bytes)] } };
  },
};

export const PreviewAudio: NodeImpl = {
  async run(inputs, ctx) {
    const bytes = flacFile(asAudio(inputs.audio), metadata(ctx));
    return { outputs: [], ui: { audio: [save(tempPrefix(), ctx.folders.temp, 'temp', 'flac', [0, 0], bytes)] } };
  },
};
