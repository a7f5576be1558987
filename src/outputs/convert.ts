// Converting an image output while it streams (sharp): the download route, an inlined answer and a delivery all
// read a converted output through here. A few conversions run at once (`outputs.convert_concurrency`); the rest
// wait their turn, so a burst of downloads cannot hold many decoded pictures in memory. sharp collects a stream's
// input before it decodes, so one conversion holds at most one source file plus its pixels, and the pixels are
// capped by `limits.image_pixels`.
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Sharp, SharpOptions } from 'sharp';
import type { ConvertSpec } from './convert-options.js';
import { createLimiter } from './limiter.js';

export interface Converter {
  /**
   * The converted bytes of `source` as a stream. `animated`: keep every frame (animated WebP or GIF in, animated
   * WebP out). A failed conversion ends the stream with the error.
   */
  convert(source: Readable, spec: ConvertSpec, animated: boolean): Readable;
  /** Conversions running and waiting (tests, metrics). */
  readonly active: number;
  readonly waiting: number;
}

// sharp (libvips, ~20 MiB of RSS once loaded) is imported by the first conversion, not at start-up: a gateway
// whose callers never ask for `?format=` never loads it. One import per process, shared by every converter.
let sharpModule: Promise<(options: SharpOptions) => Sharp> | undefined;
function loadSharp(): Promise<(options: SharpOptions) => Sharp> {
  sharpModule ??= import('sharp').then(
    (module) => module.default,
    (error: unknown) => {
      sharpModule = undefined;
      throw error;
    },
  );
  return sharpModule;
}

export function createConverter(options: { concurrency: number; maxPixels: number }): Converter {
  const limit = createLimiter(options.concurrency);
  return {
    convert(source, spec, animated) {
      const out = new PassThrough();
      void (async () => {
        await limit.acquire();
        try {
          const sharp = await loadSharp();
          const transform = sharp({ animated, limitInputPixels: options.maxPixels, sequentialRead: true });
          if (spec.max_side !== undefined) {
            transform.resize({ width: spec.max_side, height: spec.max_side, fit: 'inside', withoutEnlargement: true });
          }
          transform.toFormat(spec.format, spec.quality !== undefined ? { quality: spec.quality } : {});
          await pipeline(source, transform, out);
        } catch (error) {
          source.destroy();
          out.destroy(error as Error);
        } finally {
          limit.release();
        }
      })();
      return out;
    },
    get active() {
      return limit.active;
    },
    get waiting() {
      return limit.waiting;
    },
  };
}
