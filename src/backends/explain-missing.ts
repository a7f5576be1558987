// Why no backend can run a prompt, as data for the job record and as one line for the caller, naming each file by
// what it is ("no checkpoint …") so an operator knows which folder to fill on which server.
import { lacks, type Capabilities, type Requirements, type ValueRequirement } from './capabilities.js';

export interface MissingValue extends ValueRequirement {
  /** "checkpoint", "LoRA", …; undefined when the input name says nothing about its kind. */
  kind?: string;
}

export interface BackendShortfall {
  backend: string;
  nodes: string[];
  values: MissingValue[];
}

export interface Explanation {
  /** Only the backends that lack something, in the order given. */
  backends: BackendShortfall[];
  /** `gpu-a: no node "X"; gpu-b: no checkpoint "y.safetensors"`; '' when every backend can run it. */
  message: string;
}

/** Input names that say what kind of file they take. By name, because the same names recur across node packs. */
const KIND_BY_INPUT: Readonly<Record<string, string>> = {
  ckpt_name: 'checkpoint',
  lora_name: 'LoRA',
  vae_name: 'VAE',
  control_net_name: 'ControlNet',
  unet_name: 'diffusion model',
  clip_name: 'text encoder',
  clip_name1: 'text encoder',
  clip_name2: 'text encoder',
  clip_name3: 'text encoder',
  style_model_name: 'style model',
  gligen_name: 'GLIGEN model',
  hypernetwork_name: 'hypernetwork',
  upscale_model: 'upscaler',
  config_name: 'model config',
};

/** Where the input name is generic (model_name), the node's class says the kind. */
const KIND_BY_NODE_INPUT: Readonly<Record<string, string>> = {
  'UpscaleModelLoader.model_name': 'upscaler',
  'CLIPVisionLoader.clip_name': 'CLIP vision model',
};

export function kindOfInput(classType: string, input: string): string | undefined {
  return KIND_BY_NODE_INPUT[`${classType}.${input}`] ?? KIND_BY_INPUT[input];
}

export function explain(
  requirements: Requirements,
  backends: readonly { name: string; capabilities: Capabilities }[],
): Explanation {
  const shortfalls: BackendShortfall[] = [];
  for (const { name, capabilities } of backends) {
    const missing = lacks(requirements, capabilities);
    if (!missing.nodes.length && !missing.values.length) continue;
    const values = missing.values.map((need): MissingValue => {
      const kind = kindOfInput(need.classType, need.input);
      return kind === undefined ? need : { ...need, kind };
    });
    shortfalls.push({ backend: name, nodes: missing.nodes, values });
  }
  return { backends: shortfalls, message: shortfalls.map(describe).join('; ') };
}

function describe(shortfall: BackendShortfall): string {
  const parts = [
    ...shortfall.nodes.map((node) => `no node "${node}"`),
    ...shortfall.values.map((need) =>
      need.kind === undefined
        ? `no value "${need.value}" for input "${need.input}" of ${need.classType}`
        : `no ${need.kind} "${need.value}"`,
    ),
  ];
  return `${shortfall.backend}: ${parts.join(', ')}`;
}
