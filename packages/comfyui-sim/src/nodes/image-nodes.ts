// LoadImage, SaveImage and PreviewImage: real files, real pixels (sharp), the real naming rules.
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { OutputInfo } from 'sharp';
import { annotatedFilePath, type Folders } from '../paths.js';
import { pyJson } from '../py-json.js';
import { isObject, pyStr, type JsonObject } from '../py.js';
import { encodePng, withTextChunks } from './png.js';
import { getSaveImagePath } from './save-path.js';
import { NodeError, type ImageBatch, type MaskBatch, type NodeContext, type NodeImpl, type NodeValue } from './types.js';

export function asImage(v: NodeValue | undefined, name: string): ImageBatch {
  if (v && typeof v === 'object' && 'kind' in v && v.kind === 'IMAGE') return v as ImageBatch;
  throw new NodeError('AttributeError', `'${v === null || v === undefined ? 'NoneType' : typeof v === 'string' ? 'str' : typeof v}' object has no attribute 'shape' (input ${name})`);
}

const hashCache = new Map<string, { key: string; digest: string }>();

/** LoadImage.IS_CHANGED: the sha256 of the file, so a changed upload is re-read and not served from cache. */
function fileDigest(file: string): string {
  try {
    const st = statSync(file);
    const key = `${st.mtimeMs}:${st.size}`;
    const hit = hashCache.get(file);
    if (hit?.key === key) return hit.digest;
    const digest = createHash('sha256').update(readFileSync(file)).digest('hex');
    hashCache.set(file, { key, digest });
    return digest;
  } catch {
    return 'missing';
  }
}

export const LoadImage: NodeImpl = {
  isChanged(inputs: JsonObject, f: Folders) {
    return typeof inputs.image === 'string' ? fileDigest(annotatedFilePath(f, inputs.image)) : '';
  },
  async run(inputs, ctx) {
    const name = pyStr(inputs.image);
    const file = annotatedFilePath(ctx.folders, name);
    let decoded: { data: Buffer; info: OutputInfo };
    let hasAlpha: boolean;
    try {
      const img = sharp(file, { pages: 1 }).rotate();
      hasAlpha = (await sharp(file).metadata()).hasAlpha;
      decoded = await img.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    } catch (e) {
      const missing = (e as Error).message.includes('missing');
      if (missing) throw new NodeError('FileNotFoundError', `[Errno 2] No such file or directory: '${file}'`);
      throw new NodeError('PIL.UnidentifiedImageError', `cannot identify image file '${file}'`);
    }
    const { width, height } = decoded.info;
    const rgb = Buffer.alloc(width * height * 3);
    const mask = new Float32Array(hasAlpha ? width * height : 64 * 64);
    for (let p = 0; p < width * height; p++) {
      rgb[p * 3] = decoded.data[p * 4] ?? 0;
      rgb[p * 3 + 1] = decoded.data[p * 4 + 1] ?? 0;
      rgb[p * 3 + 2] = decoded.data[p * 4 + 2] ?? 0;
      if (hasAlpha) mask[p] = 1 - (decoded.data[p * 4 + 3] ?? 255) / 255;
    }
    const image: ImageBatch = { kind: 'IMAGE', width, height, frames: [rgb] };
    const maskBatch: MaskBatch = hasAlpha
      ? { kind: 'MASK', width, height, frames: [mask] }
      : { kind: 'MASK', width: 64, height: 64, frames: [mask] };
    return { outputs: [image, maskBatch] };
  },
};

async function saveImages(
  images: ImageBatch, prefix: string, dir: string, type: 'output' | 'temp', compressionLevel: number, ctx: NodeContext,
): Promise<JsonObject> {
  const target = getSaveImagePath(prefix, dir, images.width, images.height);
  let counter = target.counter;
  const texts: [string, string][] = [['prompt', pyJson(ctx.prompt)]];
  const pnginfo = ctx.extraData.extra_pnginfo;
  if (isObject(pnginfo)) for (const [k, v] of Object.entries(pnginfo)) texts.push([k, pyJson(v)]);
  const results: JsonObject[] = [];
  for (const [batchNumber, frame] of images.frames.entries()) {
    const png = withTextChunks(await encodePng(images, frame, compressionLevel), texts);
    const file = `${target.filename.replaceAll('%batch_num%', String(batchNumber))}_${String(counter).padStart(5, '0')}_.png`;
    writeFileSync(path.join(target.folder, file), png);
    results.push({ filename: file, subfolder: target.subfolder, type });
    counter++;
  }
  return { images: results };
}

export const SaveImage: NodeImpl = {
  async run(inputs, ctx) {
    const images = asImage(inputs.images, 'images');
    const prefix = typeof inputs.filename_prefix === 'string' ? inputs.filename_prefix : 'ComfyUI';
    return { outputs: [], ui: await saveImages(images, prefix, ctx.folders.output, 'output', 4, ctx) };
  },
};

// The letters PreviewImage draws its random suffix from (sic: "p" twice, no "w").
const PREVIEW_LETTERS = 'abcdefghijklmnopqrstupvxyz';

export const PreviewImage: NodeImpl = {
  async run(inputs, ctx) {
    const images = asImage(inputs.images, 'images');
    let suffix = '';
    for (let i = 0; i < 5; i++) suffix += PREVIEW_LETTERS[Math.floor(Math.random() * PREVIEW_LETTERS.length)];
    return { outputs: [], ui: await saveImages(images, `ComfyUI_temp_${suffix}`, ctx.folders.temp, 'temp', 1, ctx) };
  },
};
