// The manifest `npm run new-scenario` writes: field types, limits and choices from the node definitions (a KSampler's
// cfg and denoise are numbers, so 7.5 passes), a draft until its author finishes it, and it compiles once uncommented.
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ObjectInfo, Workflow } from '../../../src/comfy/types.js';
import { createLogger } from '../../../src/log.js';
import { createRegistry } from '../../../src/scenarios/registry.js';
import { scaffoldManifest } from '../../../src/scenarios/scaffold.js';

const root = new URL('../../../', import.meta.url);
const info = JSON.parse(await readFile(new URL('packages/comfyui-sim/src/catalogue.json', root), 'utf8')) as ObjectInfo;
const workflow = JSON.parse(await readFile(new URL('templates/text2img.json', root), 'utf8')) as Workflow;

/** The scaffold with every candidate field uncommented and the draft line gone: what a finished author writes. */
function finished(text: string): string {
  return text
    .split('\n')
    .filter((line) => line !== 'draft: true')
    .map((line) => (line === 'fields: {}' ? 'fields:' : line.startsWith('#   ') ? line.slice(2) : line))
    .join('\n')
    .replace('outputs: []', 'outputs: [9]');
}

describe('new-scenario scaffold', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'scaffold-test-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('types each field from the node definition: FLOAT → number, INT → integer, choices → enum', () => {
    const fields = (parse(finished(scaffoldManifest('t2i', 't2i.json', workflow, info))) as { fields: Record<string, Record<string, unknown>> }).fields;
    expect(fields.cfg).toMatchObject({ type: 'number', minimum: 0, maximum: 100, default: 7, to: '3.inputs.cfg' });
    expect(fields.denoise).toMatchObject({ type: 'number', minimum: 0, maximum: 1, default: 1 });
    expect(fields.steps).toMatchObject({ type: 'integer', minimum: 1, maximum: 10000, default: 20 });
    expect(fields.width).toMatchObject({ type: 'integer', minimum: 16, multipleOf: 8, default: 512 });
    expect(fields.sampler_name).toMatchObject({ type: 'string', default: 'euler' });
    expect(fields.sampler_name?.enum).toContain('dpmpp_2m');
    expect(fields.ckpt_name?.enum).toEqual(['v1-5-pruned-emaonly-fp16.safetensors', 'v1-5-pruned-emaonly.safetensors']);
    expect(fields.positive_prompt).toMatchObject({ type: 'string', to: '6.inputs.text' });
    expect(String(fields.positive_prompt?.description)).toContain('multi-line');
    // A seed beyond what JSON numbers hold exactly keeps no maximum; -1 draws one.
    expect(fields.seed).toMatchObject({ type: 'integer', minimum: -1, random_if: -1 });
    expect(fields.seed).not.toHaveProperty('maximum');
  });

  it('without a ComfyUI, never types a number narrower than its value allows', () => {
    const fields = (parse(finished(scaffoldManifest('t2i', 't2i.json', workflow, undefined))) as { fields: Record<string, Record<string, unknown>> }).fields;
    expect(fields.cfg?.type).toBe('number');
    expect(fields.denoise?.type).toBe('number');
  });

  it('is a draft the registry lists but does not serve; finished, it accepts cfg 7.5', async () => {
    await mkdir(path.join(dir, 'scenarios'));
    await mkdir(path.join(dir, 'templates'));
    await writeFile(path.join(dir, 'templates', 't2i.json'), JSON.stringify(workflow));
    const scaffold = scaffoldManifest('t2i', 't2i.json', workflow, info);
    await writeFile(path.join(dir, 'scenarios', 't2i.yaml'), scaffold);
    const registry = createRegistry({
      locale: 'en',
      scenariosDir: path.join(dir, 'scenarios'),
      templatesDir: path.join(dir, 'templates'),
      limits: { workflowNodes: 100, workflowDepth: 16 },
      log: createLogger({ log: { level: 'silent', pretty: false } }),
      defaultMessage: 'submitted',
      objectInfo: async () => info,
    });
    try {
      const draft = await registry.load();
      expect(draft.scenarios.has('t2i')).toBe(false);
      expect(draft.statuses.get('scenarios/t2i.yaml')).toMatchObject({ state: 'draft', errors: [] });

      await writeFile(path.join(dir, 'scenarios', 't2i.yaml'), finished(scaffold));
      const done = await registry.update([path.join(dir, 'scenarios', 't2i.yaml')]);
      expect(done.problems).toEqual([]);
      const scenario = done.scenarios.get('t2i');
      expect(scenario?.validate({ cfg: 7.5, denoise: 0.6 })).toBe(true);
      expect(await registry.checkAgainstComfy()).toBe(true);
      expect(registry.current().statuses.get('scenarios/t2i.yaml')?.warnings).toEqual([]);
    } finally {
      registry.close();
    }
  });
});
