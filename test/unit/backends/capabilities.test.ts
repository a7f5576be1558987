// Capabilities from /object_info, requirements from a prompt, and the explanation when a backend falls short.
import { describe, expect, it } from 'vitest';
import type { ObjectInfo, Workflow } from '../../../src/comfy/types.js';
import {
  canRun,
  checkpointOf,
  createCapabilityCheck,
  readCapabilities,
  requirementsOf,
  type Capabilities,
} from '../../../src/backends/capabilities.js';
import { explain, kindOfInput } from '../../../src/backends/explain-missing.js';

const node = (required: ObjectInfo[string]['input']['required'], optional?: ObjectInfo[string]['input']['optional']) => ({
  input: { required, ...(optional ? { optional } : {}) },
  output: [],
  output_node: false,
  name: 'n',
});

/** Both COMBO spellings ComfyUI uses, an upload input and a remotely filled one. */
function objectInfo(checkpoints: string[], loras: string[] = []): ObjectInfo {
  return {
    CheckpointLoaderSimple: node({ ckpt_name: [checkpoints, { tooltip: 'x' }] }),
    LoraLoader: node({ model: ['MODEL'], lora_name: ['COMBO', { options: loras }], strength_model: ['FLOAT', { default: 1 }] }),
    KSampler: node({ sampler_name: [['euler', 'dpmpp_2m']], seed: ['INT'] }),
    CLIPTextEncode: node({ text: ['STRING', { multiline: true }] }),
    LoadImage: node({ image: [['a.png'], { image_upload: true }] }),
    LoadImageOutput: node({ image: ['COMBO', { image_upload: true, remote: { route: '/x' } }] }),
    VAELoader: node({}, { vae_name: [['ae.safetensors']] }),
  };
}

const prompt = (ckpt: string, extra: Workflow = {}): Workflow => ({
  '1': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: ckpt } },
  '2': { class_type: 'KSampler', inputs: { sampler_name: 'euler', seed: 5, model: ['1', 0] } },
  '3': { class_type: 'CLIPTextEncode', inputs: { text: 'any words at all' } },
  '4': { class_type: 'LoadImage', inputs: { image: 'uploaded-later.png' } },
  ...extra,
});

describe('readCapabilities', () => {
  const caps = readCapabilities(objectInfo(['sd15.safetensors'], ['detail.safetensors']));

  it('lists node classes and the values of both COMBO spellings, optional inputs included', () => {
    expect([...caps.nodes].sort()).toContain('LoraLoader');
    expect(caps.choices.get('CheckpointLoaderSimple\u0000ckpt_name')).toEqual(new Set(['sd15.safetensors']));
    expect(caps.choices.get('LoraLoader\u0000lora_name')).toEqual(new Set(['detail.safetensors']));
    expect(caps.choices.get('VAELoader\u0000vae_name')).toEqual(new Set(['ae.safetensors']));
  });

  it('leaves out plain inputs, upload inputs and remotely filled COMBOs', () => {
    expect(caps.choices.has('CLIPTextEncode\u0000text')).toBe(false);
    expect(caps.choices.has('LoraLoader\u0000strength_model')).toBe(false);
    expect(caps.choices.has('LoadImage\u0000image')).toBe(false);
    expect(caps.choices.has('LoadImageOutput\u0000image')).toBe(false);
  });
});

describe('requirementsOf and canRun', () => {
  it('collects each class once and each literal string once, skipping links and numbers', () => {
    const req = requirementsOf(prompt('sd15.safetensors', { '5': { class_type: 'KSampler', inputs: { sampler_name: 'euler' } } }));
    expect([...req.classTypes].sort()).toEqual(['CLIPTextEncode', 'CheckpointLoaderSimple', 'KSampler', 'LoadImage']);
    expect(req.values.map((v) => `${v.classType}.${v.input}=${v.value}`).sort()).toEqual([
      'CLIPTextEncode.text=any words at all',
      'CheckpointLoaderSimple.ckpt_name=sd15.safetensors',
      'KSampler.sampler_name=euler',
      'LoadImage.image=uploaded-later.png',
    ]);
    expect(checkpointOf(req)).toBe('sd15.safetensors');
  });

  it('accepts a prompt whose nodes and COMBO values the backend has, whatever its free text and uploads', () => {
    const caps = readCapabilities(objectInfo(['sd15.safetensors']));
    expect(canRun(requirementsOf(prompt('sd15.safetensors')), caps)).toBe(true);
  });

  it('refuses a missing checkpoint, a missing LoRA in the COMBO spelling, a missing node', () => {
    const caps = readCapabilities(objectInfo(['sd15.safetensors'], ['a.safetensors']));
    expect(canRun(requirementsOf(prompt('sdxl.safetensors')), caps)).toBe(false);
    const lora = { '9': { class_type: 'LoraLoader', inputs: { lora_name: 'b.safetensors', model: ['1', 0] } } };
    expect(canRun(requirementsOf(prompt('sd15.safetensors', lora)), caps)).toBe(false);
    const custom = { '9': { class_type: 'IPAdapterApply', inputs: {} } };
    expect(canRun(requirementsOf(prompt('sd15.safetensors', custom)), caps)).toBe(false);
  });

  it('remembers answers per capabilities object, and a new object is asked afresh', () => {
    const check = createCapabilityCheck();
    const req = requirementsOf(prompt('sdxl.safetensors'));
    const before = readCapabilities(objectInfo(['sd15.safetensors']));
    expect(check(req, before)).toBe(false);
    expect(check(req, before)).toBe(false);
    const after = readCapabilities(objectInfo(['sd15.safetensors', 'sdxl.safetensors']));
    expect(check(req, after)).toBe(true);
  });
});

describe('explain', () => {
  const gpuA = readCapabilities(objectInfo(['sdxl_base.safetensors']));
  const gpuB = readCapabilities(objectInfo(['sd15.safetensors']));
  const withCustom = prompt('sdxl_base.safetensors', { '9': { class_type: 'IPAdapterApply', inputs: {} } });

  it('says per backend what it lacks, one line, naming the file kind', () => {
    const backends: { name: string; capabilities: Capabilities }[] = [
      { name: 'gpu-a', capabilities: gpuA },
      { name: 'gpu-b', capabilities: { ...gpuB, nodes: new Set([...gpuB.nodes, 'IPAdapterApply']) } },
    ];
    const result = explain(requirementsOf(withCustom), backends);
    expect(result.message).toBe('gpu-a: no node "IPAdapterApply"; gpu-b: no checkpoint "sdxl_base.safetensors"');
    expect(result.backends[1]?.values[0]).toMatchObject({ classType: 'CheckpointLoaderSimple', input: 'ckpt_name', kind: 'checkpoint' });
  });

  it('lists several lacks of one backend, uses the generic wording for unnamed inputs, leaves out capable backends', () => {
    const req = requirementsOf(
      prompt('sdxl_base.safetensors', { '5': { class_type: 'KSampler', inputs: { sampler_name: 'lcm' } } }),
    );
    const result = explain(req, [
      { name: 'ok', capabilities: readCapabilities({ ...objectInfo(['sdxl_base.safetensors']), KSampler: node({ sampler_name: [['euler', 'lcm']] }) }) },
      { name: 'gpu-b', capabilities: gpuB },
    ]);
    expect(result.backends.map((b) => b.backend)).toEqual(['gpu-b']);
    expect(result.message).toBe('gpu-b: no checkpoint "sdxl_base.safetensors", no value "lcm" for input "sampler_name" of KSampler');
  });

  it('is empty when every backend can run the prompt', () => {
    expect(explain(requirementsOf(prompt('sdxl_base.safetensors')), [{ name: 'gpu-a', capabilities: gpuA }])).toEqual({ backends: [], message: '' });
  });

  it('names kinds from the input name, or from the node where the name is generic', () => {
    expect(kindOfInput('LoraLoaderModelOnly', 'lora_name')).toBe('LoRA');
    expect(kindOfInput('VAELoader', 'vae_name')).toBe('VAE');
    expect(kindOfInput('UpscaleModelLoader', 'model_name')).toBe('upscaler');
    expect(kindOfInput('SomethingElse', 'model_name')).toBeUndefined();
  });
});
