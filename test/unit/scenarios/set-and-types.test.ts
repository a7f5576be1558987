// A manifest's `set:` (fixed values, checked like mappings and against ComfyUI's limits) and the warning for a field
// typed narrower (or wider) than the node input it feeds, as the registry reports them at load.
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ObjectInfo } from '../../../src/comfy/types.js';
import { createLogger } from '../../../src/log.js';
import { buildPrompt } from '../../../src/scenarios/apply-fields.js';
import { createRegistry, type ScenarioRegistry } from '../../../src/scenarios/registry.js';

const objectInfoFile = fileURLToPath(new URL('../../../packages/comfyui-sim/src/catalogue.json', import.meta.url));
const workflow = {
  '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 512, batch_size: 1, color: 0 } },
  '2': { class_type: 'ImageBlur', inputs: { image: ['1', 0], blur_radius: 1, sigma: 1.5 }, _meta: { title: 'Blur' } },
  '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'x' } },
};

describe('set: and field types against the node definitions', () => {
  let dir: string;
  let registry: ScenarioRegistry;
  const write = (name: string, text: string) => writeFile(path.join(dir, 'scenarios', name), text);

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'set-test-'));
    await mkdir(path.join(dir, 'scenarios'));
    await mkdir(path.join(dir, 'templates'));
    await writeFile(path.join(dir, 'templates', 'wf.json'), JSON.stringify(workflow));
    registry = createRegistry({
      scenariosDir: path.join(dir, 'scenarios'),
      templatesDir: path.join(dir, 'templates'),
      limits: { workflowNodes: 100, workflowDepth: 16 },
      log: createLogger({ log: { level: 'silent', pretty: false } }),
      defaultMessage: 'submitted',
      locale: 'en',
      objectInfo: async () => JSON.parse(await readFile(objectInfoFile, 'utf8')) as ObjectInfo,
    });
  });
  afterEach(async () => {
    registry.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the set: values into every prompt, by node id or title, without exposing a field', async () => {
    await write(
      'thumb.yaml',
      'workflow: wf.json\nfields:\n  width: { type: integer, default: 64, to: 1.inputs.width }\nset:\n  1.inputs.height: 64\n  Blur.inputs.blur_radius: 3\n',
    );
    const snapshot = await registry.load();
    const scenario = snapshot.scenarios.get('thumb');
    expect(snapshot.problems).toEqual([]);
    expect(Object.keys(scenario?.requestSchema.properties as object)).not.toContain('height');
    const built = buildPrompt(scenario!, { width: 64 });
    expect(built.workflow['1']?.inputs).toMatchObject({ width: 64, height: 64 });
    expect(built.workflow['2']?.inputs.blur_radius).toBe(3);
    // The template file's own values are untouched for other manifests using it.
    await write('plain.yaml', 'workflow: wf.json\nfields:\n  width: { type: integer, to: 1.inputs.width }\n');
    const next = await registry.update([path.join(dir, 'scenarios', 'plain.yaml')]);
    expect(next.scenarios.get('plain')?.workflow['1']?.inputs.height).toBe(512);
  });

  it('refuses set: entries that do not fit the workflow, each at its own line', async () => {
    await write(
      'bad.yaml',
      [
        'workflow: wf.json',
        'fields:',
        '  width: { type: integer, to: 1.inputs.width }',
        'set:',
        '  9.inputs.height: 64',
        '  1.inputs.heigth: 64',
        '  2.inputs.image: 1',
        '  1.inputs.height: tall',
        '  1.inputs.width: 64',
        '  nonsense: 1',
        '',
      ].join('\n'),
    );
    const snapshot = await registry.load();
    expect(snapshot.scenarios.has('bad')).toBe(false);
    const errors = snapshot.statuses.get('scenarios/bad.yaml')?.errors ?? [];
    expect(errors).toHaveLength(6);
    expect(errors[0]).toMatch(/^scenarios\/bad\.yaml:5:\d+: "set" names node "9", but the workflow has no node/);
    expect(errors[1]).toMatch(/^scenarios\/bad\.yaml:6:\d+: .*no input "heigth"/);
    expect(errors[2]).toMatch(/^scenarios\/bad\.yaml:7:\d+: .*connected to output 0 of node "1".*overwrite_link: true/);
    expect(errors[3]).toMatch(/^scenarios\/bad\.yaml:8:\d+: .*"tall".*512/);
    expect(errors[4]).toMatch(/^scenarios\/bad\.yaml:9:\d+: field "width" also writes input "width"/);
    expect(errors[5]).toMatch(/^scenarios\/bad\.yaml:10:\d+: the "set" key "nonsense" must look like/);
  });

  it('cuts a connection only with overwrite_link: true', async () => {
    await write('cut.yaml', 'workflow: wf.json\nset:\n  3.inputs.images: { value: "x", overwrite_link: true }\n');
    const snapshot = await registry.load();
    expect(snapshot.problems).toEqual([]);
    expect(snapshot.scenarios.get('cut')?.workflow['3']?.inputs.images).toBe('x');
  });

  it('warns when a set: value is outside the node limits of the connected ComfyUI', async () => {
    await write('tiny.yaml', 'workflow: wf.json\nset:\n  1.inputs.height: 0\n');
    await registry.load();
    expect(await registry.checkAgainstComfy()).toBe(true);
    const warnings = registry.current().statuses.get('scenarios/tiny.yaml')?.warnings ?? [];
    expect(warnings).toEqual([expect.stringMatching(/^scenarios\/tiny\.yaml:3:\d+: "set" gives 0 for input "height" .*minimum is 1/)]);
  });

  it('warns when a field is narrower than its input (integer into FLOAT) or wider (number into INT)', async () => {
    await write(
      'types.yaml',
      'workflow: wf.json\nfields:\n  sigma: { type: integer, default: 1, to: 2.inputs.sigma }\n  radius: { type: number, default: 1, to: 2.inputs.blur_radius }\n',
    );
    await registry.load();
    expect(registry.current().statuses.get('scenarios/types.yaml')?.warnings).toEqual([]);
    await registry.checkAgainstComfy();
    const warnings = registry.current().statuses.get('scenarios/types.yaml')?.warnings ?? [];
    expect(warnings).toContainEqual(
      expect.stringMatching(/^scenarios\/types\.yaml:3:\d+: field "sigma" has type integer, but input "sigma" .* is FLOAT.*use type: number/),
    );
    expect(warnings).toContainEqual(
      expect.stringMatching(/^scenarios\/types\.yaml:4:\d+: field "radius" has type number, but input "blur_radius" .* is INT.*use type: integer/),
    );
  });
});
