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
    const frame = Buffer.alloc(width * height * 3, Buffer.from([(color >> 16) & 0xff, (color >> 8) & 0xff, color & 0xff]));
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
export async function commonUpscale(image: ImageBatch, width: number, height: number, method: string, crop: string): Promise<ImageBatch> {
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

// ComfyUI's Blur builds a (2r+1)² Gaussian over linspace(-1, 1): sigma is relative to the radius, and the
// kernel stops at the radius. libvips' separable Gaussian with sigma × r pixels, cut where the real kernel
// ends (minAmplitude = its value at the edge), gives the same blur far faster than a 2-D convolution.
export const ImageBlur: NodeImpl = {
  async run(inputs) {
    const image = asImage(inputs.image, 'image');
    const radius = num(inputs.blur_radius);
    const sigma = num(inputs.sigma);
    const sigmaPx = sigma * radius;
    if (radius === 0 || sigmaPx < 0.3) return { outputs: [image] };
    const minAmplitude = Math.min(1, Math.max(0.001, Math.exp(-1 / (2 * sigma * sigma))));
    const frames = await Promise.all(
      image.frames.map((f) => rawImage(f, image.width, image.height).blur({ sigma: sigmaPx, minAmplitude }).raw().toBuffer()),
    );
    return { outputs: [{ ...image, frames }] };
  },
};
