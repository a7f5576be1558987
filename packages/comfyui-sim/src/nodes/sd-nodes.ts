// Stable Diffusion nodes, simulated: no model is loaded, but the graph behaves like the real one.
// KSampler takes stepMs per step and reports each step; VAEDecode paints a picture that depends only on
// the seed and the prompt texts, at the size the latent implies (latent × 8).
import { createHash } from 'node:crypto';
import { num, pyStr } from '../py.js';
import { asImage } from './image-nodes.js';
import { rawImage } from './png.js';
import { NodeError, type Conditioning, type ImageBatch, type Latent, type ModelHandle, type NodeImpl, type NodeValue } from './types.js';

function asLatent(v: NodeValue | undefined): Latent {
  if (v && typeof v === 'object' && 'kind' in v && v.kind === 'LATENT') return v as Latent;
  throw new NodeError('TypeError', "'NoneType' object is not subscriptable");
}

function asText(v: NodeValue | undefined): string {
  return v && typeof v === 'object' && 'kind' in v && v.kind === 'CONDITIONING' ? (v as Conditioning).text : '';
}

export const CheckpointLoaderSimple: NodeImpl = {
  async run(inputs) {
    const name = pyStr(inputs.ckpt_name);
    const handle = (kind: ModelHandle['kind']): ModelHandle => ({ kind, name });
    return { outputs: [handle('MODEL'), handle('CLIP'), handle('VAE')] };
  },
};

export const CLIPTextEncode: NodeImpl = {
  async run(inputs) {
    return { outputs: [{ kind: 'CONDITIONING', text: pyStr(inputs.text) } satisfies Conditioning] };
  },
};

export const EmptyLatentImage: NodeImpl = {
  async run(inputs) {
    const latent: Latent = {
      kind: 'LATENT', width: Math.floor(num(inputs.width) / 8), height: Math.floor(num(inputs.height) / 8), batch: num(inputs.batch_size),
    };
    return { outputs: [latent] };
  },
};

export const VAEEncode: NodeImpl = {
  async run(inputs) {
    const pixels = asImage(inputs.pixels, 'pixels');
    // VAE.encode crops to a multiple of 8, centred.
    const w = Math.floor(pixels.width / 8) * 8;
    const h = Math.floor(pixels.height / 8) * 8;
    const left = Math.floor((pixels.width % 8) / 2);
    const top = Math.floor((pixels.height % 8) / 2);
    const frames = await Promise.all(
      pixels.frames.map((f) => rawImage(f, pixels.width, pixels.height).extract({ left, top, width: w, height: h }).raw().toBuffer()),
    );
    const latent: Latent = {
      kind: 'LATENT', width: w / 8, height: h / 8, batch: frames.length, source: { kind: 'IMAGE', width: w, height: h, frames },
    };
    return { outputs: [latent] };
  },
};

export const KSampler: NodeImpl = {
  async run(inputs, ctx) {
    const latent = asLatent(inputs.latent_image);
    const steps = num(inputs.steps);
    for (let step = 1; step <= steps; step++) {
      await ctx.sleep(ctx.stepMs());
      ctx.progress(step, steps);
    }
    const sampled = {
      seed: num(inputs.seed), steps, positive: asText(inputs.positive), negative: asText(inputs.negative), denoise: num(inputs.denoise ?? 1),
    };
    return { outputs: [{ ...latent, sampled } satisfies Latent] };
  },
};

/** A small deterministic PRNG (mulberry32) seeded from a hash of the generation parameters. */
function prng(seedText: string): () => number {
  let a = createHash('sha256').update(seedText).digest().readUInt32LE(0);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function paint(width: number, height: number, seedText: string): Buffer {
  const rnd = prng(seedText);
  const c1 = [rnd() * 255, rnd() * 255, rnd() * 255];
  const c2 = [rnd() * 255, rnd() * 255, rnd() * 255];
  const cx = rnd() * width;
  const cy = rnd() * height;
  const freq = 0.02 + rnd() * 0.08;
  const out = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = (x / Math.max(1, width - 1) + y / Math.max(1, height - 1)) / 2;
      const ring = 0.5 + 0.5 * Math.sin(Math.hypot(x - cx, y - cy) * freq);
      const p = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        out[p + c] = Math.round(((c1[c] ?? 0) * (1 - t) + (c2[c] ?? 0) * t) * (0.6 + 0.4 * ring));
      }
    }
  }
  return out;
}

export const VAEDecode: NodeImpl = {
  async run(inputs) {
    const latent = asLatent(inputs.samples);
    const width = latent.width * 8;
    const height = latent.height * 8;
    const frames: Buffer[] = [];
    for (let i = 0; i < latent.batch; i++) {
      const s = latent.sampled;
      // An unsampled latent decodes to flat grey, as decoding zeros roughly does.
      let frame = s ? paint(width, height, `${s.seed + i}|${s.positive}|${s.negative}|${s.steps}`) : Buffer.alloc(width * height * 3, 128);
      const src = latent.source?.frames[i] ?? latent.source?.frames[0];
      if (s && src && s.denoise < 1) {
        // img2img: keep (1 - denoise) of the source picture.
        frame = Buffer.from(frame.map((v, j) => Math.round((src[j] ?? 0) * (1 - s.denoise) + v * s.denoise)));
      }
      frames.push(frame);
    }
    return { outputs: [{ kind: 'IMAGE', width, height, frames } satisfies ImageBatch] };
  },
};
