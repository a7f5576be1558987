// Image operations on real pixels: EmptyImage, ImageInvert, ImageScale, ImageScaleBy, ImageBlur.
import type { KernelEnum } from 'sharp';
import { num, pyRound, pyStr } from '../py.js';
import { asImage } from './image-nodes.js';
import { rawImage } from './png.js';
import type { ImageBatch, NodeImpl } from './types.js';

export const EmptyImage: NodeImpl = {
  async run(inputs) {
    const width = num(inputs.width);
    const height = num(inputs.height);
    const color = num(inputs.color);
    const rgb = [(color >> 16) & 0xff, (color >> 8) & 0xff, color & 0xff];
    const frame = Buffer.alloc(width * height * 3);
    for (let p = 0; p < width * height; p++) frame.set(rgb, p * 3);
    const frames = Array.from({ length: num(inputs.batch_size) }, () => Buffer.from(frame));
    return { outputs: [{ kind: 'IMAGE', width, height, frames } satisfies ImageBatch] };
  },
};

export const ImageInvert: NodeImpl = {
  async run(inputs) {
    const image = asImage(inputs.image, 'image');
    const frames = image.frames.map((f) => {
      const out = Buffer.alloc(f.length);
      for (let i = 0; i < f.length; i++) out[i] = 255 - (f[i] ?? 0);
      return out;
    });
    return { outputs: [{ ...image, frames }] };
  },
};

const KERNELS: Record<string, keyof KernelEnum> = {
  'nearest-exact': 'nearest',
  bilinear: 'linear',
  area: 'linear',
  bicubic: 'cubic',
  lanczos: 'lanczos3',
};

/** comfy.utils.common_upscale: optional centre crop to the target aspect, then resize. */
async function commonUpscale(image: ImageBatch, width: number, height: number, method: string, crop: string): Promise<ImageBatch> {
  let x = 0;
  let y = 0;
  if (crop === 'center') {
    const oldAspect = image.width / image.height;
    const newAspect = width / height;
    if (oldAspect > newAspect) x = pyRound((image.width - image.width * (newAspect / oldAspect)) / 2);
    else if (oldAspect < newAspect) y = pyRound((image.height - image.height * (oldAspect / newAspect)) / 2);
  }
  const frames = await Promise.all(
    image.frames.map(async (f) => {
      let pipeline = rawImage(f, image.width, image.height);
      if (x > 0 || y > 0) {
        const cropped = await pipeline
          .extract({ left: x, top: y, width: image.width - 2 * x, height: image.height - 2 * y })
          .raw()
          .toBuffer();
        pipeline = rawImage(cropped, image.width - 2 * x, image.height - 2 * y);
      }
      return pipeline.resize(width, height, { fit: 'fill', kernel: KERNELS[method] ?? 'linear' }).raw().toBuffer();
    }),
  );
  return { kind: 'IMAGE', width, height, frames };
}

export const ImageScale: NodeImpl = {
  async run(inputs) {
    const image = asImage(inputs.image, 'image');
    let width = num(inputs.width);
    let height = num(inputs.height);
    if (width === 0 && height === 0) return { outputs: [image] };
    if (width === 0) width = Math.max(1, pyRound((image.width * height) / image.height));
    else if (height === 0) height = Math.max(1, pyRound((image.height * width) / image.width));
    return { outputs: [await commonUpscale(image, width, height, pyStr(inputs.upscale_method), pyStr(inputs.crop))] };
  },
};

export const ImageScaleBy: NodeImpl = {
  async run(inputs) {
    const image = asImage(inputs.image, 'image');
    const scale = num(inputs.scale_by);
    const width = pyRound(image.width * scale);
    const height = pyRound(image.height * scale);
    return { outputs: [await commonUpscale(image, width, height, pyStr(inputs.upscale_method), 'disabled')] };
  },
};

/** nodes_post_processing.gaussian_kernel: a size×size kernel over linspace(-1, 1), normalised. */
function gaussianKernel(size: number, sigma: number): number[] {
  const coords = Array.from({ length: size }, (_, i) => (size === 1 ? -1 : -1 + (2 * i) / (size - 1)));
  const k: number[] = [];
  for (const a of coords) for (const b of coords) k.push(Math.exp(-(a * a + b * b) / (2 * sigma * sigma)));
  const sum = k.reduce((s, v) => s + v, 0);
  return k.map((v) => v / sum);
}

export const ImageBlur: NodeImpl = {
  async run(inputs) {
    const image = asImage(inputs.image, 'image');
    const radius = num(inputs.blur_radius);
    if (radius === 0) return { outputs: [image] };
    const size = radius * 2 + 1;
    const kernel = gaussianKernel(size, num(inputs.sigma));
    const frames = await Promise.all(
      image.frames.map(async (f) => {
        // Reflect-pad like F.pad(..., 'reflect'), convolve, then cut the padding away again.
        const padded = await rawImage(f, image.width, image.height)
          .extend({ top: radius, bottom: radius, left: radius, right: radius, extendWith: 'mirror' })
          .raw()
          .toBuffer({ resolveWithObject: true });
        const blurred = await rawImage(padded.data, padded.info.width, padded.info.height)
          .convolve({ width: size, height: size, kernel, scale: 1 })
          .raw()
          .toBuffer();
        return rawImage(blurred, padded.info.width, padded.info.height)
          .extract({ left: radius, top: radius, width: image.width, height: image.height })
          .raw()
          .toBuffer();
      }),
    );
    return { outputs: [{ ...image, frames }] };
  },
};
