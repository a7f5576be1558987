// Capabilities read from a running simulator's /object_info, checked against the shipped templates: what the
// simulator has passes, and a prompt naming a file or node it lacks is refused with the reason.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectInfo, Workflow } from '../../src/comfy/types.js';
import { canRun, readCapabilities, requirementsOf, type Capabilities } from '../../src/backends/capabilities.js';
import { explain } from '../../src/backends/explain-missing.js';
import { startSimulator, type Simulator } from 'comfyui-sim';

const templates = path.resolve(import.meta.dirname, '../../templates');
let sim: Simulator;
let capabilities: Capabilities;

async function template(name: string): Promise<Workflow> {
  return JSON.parse(await readFile(path.join(templates, name), 'utf8')) as Workflow;
}

beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
  const response = await fetch(`${sim.url}/object_info`);
  expect(response.status).toBe(200);
  capabilities = readCapabilities((await response.json()) as ObjectInfo);
});
afterAll(async () => {
  await sim.close();
});

describe('capabilities of a live simulator', () => {
  it('lists its node classes and its checkpoints', () => {
    expect(capabilities.nodes.has('KSampler')).toBe(true);
    expect(capabilities.choices.get('CheckpointLoaderSimple\u0000ckpt_name')?.has('v1-5-pruned-emaonly-fp16.safetensors')).toBe(true);
  });

  it('can run every shipped template, uploads included', async () => {
    const names = (await readdir(templates)).filter((name) => name.endsWith('.json'));
    expect(names).toContain('text2img.json');
    for (const name of names) expect(canRun(requirementsOf(await template(name)), capabilities), name).toBe(true);
  });

  it('refuses text2img with a checkpoint or a node it lacks, and says which', async () => {
    const workflow = await template('text2img.json');
    const loader = Object.values(workflow).find((n) => n.class_type === 'CheckpointLoaderSimple');
    if (!loader) throw new Error('text2img.json has no checkpoint loader');
    loader.inputs.ckpt_name = 'sdxl_base.safetensors';
    workflow['99'] = { class_type: 'IPAdapterApply', inputs: {} };
    const requirements = requirementsOf(workflow);
    expect(canRun(requirements, capabilities)).toBe(false);
    expect(explain(requirements, [{ name: 'sim', capabilities }]).message).toBe(
      'sim: no node "IPAdapterApply", no checkpoint "sdxl_base.safetensors"',
    );
  });
});
