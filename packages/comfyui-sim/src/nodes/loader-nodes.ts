// The other model loaders, so a simulated server can offer LoRAs, VAEs, diffusion models and upscalers as a real
// one offers the files in its folders (the lists come from the simulator's `models` option; empty by default,
// as on a server with none). Nothing is loaded: each returns a handle naming its file.
import { pyStr } from '../py.js';
import { asImage } from './image-nodes.js';
import { commonUpscale } from './pixel-nodes.js';
import { NodeError, type ModelHandle, type NodeImpl, type NodeValue } from './types.js';

const handle = (kind: ModelHandle['kind'], name: string): ModelHandle => ({ kind, name });

function asHandle(v: NodeValue | undefined, kind: ModelHandle['kind']): ModelHandle {
  if (v && typeof v === 'object' && 'kind' in v && v.kind === kind) return v as ModelHandle;
  throw new NodeError('AttributeError', "'NoneType' object has no attribute 'clone'");
}

export const LoraLoader: NodeImpl = {
  async run(inputs) {
    const lora = pyStr(inputs.lora_name);
    const model = asHandle(inputs.model, 'MODEL');
    const clip = asHandle(inputs.clip, 'CLIP');
    return { outputs: [handle('MODEL', `${model.name}+${lora}`), handle('CLIP', `${clip.name}+${lora}`)] };
  },
};

export const VAELoader: NodeImpl = {
  async run(inputs) {
    return { outputs: [handle('VAE', pyStr(inputs.vae_name))] };
  },
};

export const UNETLoader: NodeImpl = {
  async run(inputs) {
    return { outputs: [handle('MODEL', pyStr(inputs.unet_name))] };
  },
};

export const UpscaleModelLoader: NodeImpl = {
  async run(inputs) {
    return { outputs: [handle('UPSCALE_MODEL', pyStr(inputs.model_name))] };
  },
};

/** The factor an upscaler's file name states (4x-UltraSharp, RealESRGAN_x2plus); 4 when it states none. */
export function upscaleFactor(name: string): number {
  const m = /(?:^|[^0-9a-z])([1-8])x(?![0-9])|x([1-8])(?![0-9])/i.exec(name);
  return Number(m?.[1] ?? m?.[2] ?? 4);
}

export const ImageUpscaleWithModel: NodeImpl = {
  async run(inputs) {
    const model = asHandle(inputs.upscale_model, 'UPSCALE_MODEL');
    const image = asImage(inputs.image, 'image');
    const factor = upscaleFactor(model.name);
    return { outputs: [await commonUpscale(image, image.width * factor, image.height * factor, 'bicubic', 'disabled')] };
  },
};
