// The registry without a watcher: incremental reloads touch only what changed, a broken edit keeps the last good
// version, a deleted manifest frees its route (and a waiting claimant gets it), ComfyUI's catalogue adds warnings.
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ObjectInfo } from '../../../src/comfy/types.js';
import { pino } from 'pino';
import { createLogger } from '../../../src/log.js';
import { createRegistry, type ScenarioRegistry } from '../../../src/scenarios/registry.js';
import type { Snapshot } from '../../../src/scenarios/types.js';

const objectInfoFile = fileURLToPath(new URL('../../../packages/comfyui-sim/src/catalogue.json', import.meta.url));
const workflow = JSON.stringify({
  '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 0 } },
  '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: 'x' } },
});
const manifest = (width: number, route?: string) =>
  `${route ? `route: ${route}\n` : ''}workflow: wf.json\nfields:\n  width: { type: integer, default: ${width}, to: 1.inputs.width }\n`;

describe('scenario registry', () => {
  let dir: string;
  let scenarios: string;
  let templates: string;
  let registry: ScenarioRegistry;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'registry-test-'));
    scenarios = path.join(dir, 'scenarios');
    templates = path.join(dir, 'templates');
    await mkdir(scenarios);
    await mkdir(templates);
    await writeFile(path.join(templates, 'wf.json'), workflow);
    registry = createRegistry({
      scenariosDir: scenarios,
      templatesDir: templates,
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

  const write = (name: string, text: string) => writeFile(path.join(scenarios, name), text);

  it('recompiles only the changed manifest; the others keep their very objects', async () => {
    for (let i = 0; i < 20; i++) await write(`s${i}.yaml`, manifest(i + 1));
    const first = await registry.load();
    expect(first.scenarios.size).toBe(20);
    await write('s3.yaml', manifest(99));
    const second = await registry.update([path.join(scenarios, 's3.yaml')]);
    expect(second.version).toBe(first.version + 1);
    expect(second.scenarios.get('s3')?.fields[0]?.default).toBe(99);
    expect(second.scenarios.get('s3')).not.toBe(first.scenarios.get('s3'));
    for (let i = 0; i < 20; i++) if (i !== 3) expect(second.scenarios.get(`s${i}`)).toBe(first.scenarios.get(`s${i}`));
    // The old snapshot is untouched: a request that started on it still sees the old scenario.
    expect(first.scenarios.get('s3')?.fields[0]?.default).toBe(4);
  });

  it('keeps the last good version of a broken manifest and reports the version still serving', async () => {
    await write('a.yaml', manifest(1));
    const good = await registry.load();
    await write('a.yaml', 'workflow: wf.json\nfields: [\n');
    const broken = await registry.update([path.join(scenarios, 'a.yaml')]);
    expect(broken.scenarios.get('a')).toBe(good.scenarios.get('a'));
    const status = broken.statuses.get('scenarios/a.yaml');
    expect(status?.state).toBe('failed');
    expect(status?.servingVersion).toBe(good.scenarios.get('a')?.version);
    expect(broken.problems[0]?.message).toMatch(/^scenarios\/a\.yaml:\d+:\d+: the YAML is not valid/);
  });

  it('starts with a broken manifest without losing the good ones', async () => {
    await write('good.yaml', manifest(1));
    await write('bad.yaml', 'workflow: missing.json\n');
    const snapshot = await registry.load();
    expect([...snapshot.scenarios.keys()]).toEqual(['good']);
    expect(snapshot.statuses.get('scenarios/bad.yaml')?.servingVersion).toBeUndefined();
  });

  it('frees a deleted route, and a manifest waiting for it takes it over', async () => {
    await write('a.yaml', manifest(1, 'shared'));
    await registry.load();
    await write('b.yaml', manifest(2, 'shared'));
    const conflict = await registry.update([path.join(scenarios, 'b.yaml')]);
    expect(conflict.scenarios.get('shared')?.file).toBe('scenarios/a.yaml');
    expect(conflict.statuses.get('scenarios/b.yaml')?.errors[0]).toContain('is already used by scenarios/a.yaml');
    await rm(path.join(scenarios, 'a.yaml'));
    const after = await registry.update([path.join(scenarios, 'a.yaml')]);
    expect(after.scenarios.get('shared')?.file).toBe('scenarios/b.yaml');
    expect(after.statuses.has('scenarios/a.yaml')).toBe(false);
  });

  it('decides routes after one edit exactly as a full reload would, conflicts and last good versions included', async () => {
    // The registry re-decides only the manifests linked to an edit by a route name; a full reload re-decides all.
    const view = (snapshot: Snapshot) => ({
      routes: [...snapshot.scenarios].map(([name, scenario]) => [name, scenario.file]).sort(),
      statuses: [...snapshot.statuses.values()].map((s) => [s.file, s.name, s.state, s.errors.join('|'), s.servingVersion !== undefined]),
    });
    let seed = 11;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const files = ['a.yaml', 'b.yaml', 'c.yaml', 'd.yaml', 'e.yaml'];
    const routes = ['x', 'y', undefined];
    for (const file of files) await write(file, manifest(1, routes[random(3)]));
    await registry.load();
    for (let step = 0; step < 60; step++) {
      const file = files[random(files.length)] as string;
      const action = random(6);
      if (action === 0) await rm(path.join(scenarios, file), { force: true });
      else if (action === 1) await write(file, 'fields: [');
      else await write(file, manifest(step + 2, routes[random(3)]));
      const incremental = view(await registry.update([path.join(scenarios, file)]));
      const full = view(await registry.load());
      expect(incremental, `step ${step}: ${file}, action ${action}`).toEqual(full);
    }
  });

  it('reloads the manifests using a template when the template changes, and only those', async () => {
    await writeFile(path.join(templates, 'other.json'), workflow);
    await write('uses.yaml', manifest(1));
    await write('other.yaml', manifest(1).replace('wf.json', 'other.json'));
    const before = await registry.load();
    await writeFile(path.join(templates, 'wf.json'), workflow.replace('"x"', '"y"'));
    const after = await registry.update([path.join(templates, 'wf.json')]);
    expect(after.scenarios.get('uses')?.workflow['2']?.inputs.filename_prefix).toBe('y');
    expect(after.scenarios.get('other')).toBe(before.scenarios.get('other'));
  });

  it('adds warnings from the live ComfyUI catalogue without failing the scenario', async () => {
    await write('w.yaml', manifest(0));
    await registry.load();
    expect(await registry.checkAgainstComfy()).toBe(true);
    const status = registry.current().statuses.get('scenarios/w.yaml');
    expect(status?.state).toBe('loaded-with-warnings');
    expect(status?.warnings[0]).toContain('field "width" defaults to 0 for input "width" of node "1" (EmptyImage), but the node\'s minimum is 1');
    expect(registry.current().scenarios.has('w')).toBe(true);
  });

  it('logs "scenarios reloaded" once at start: the re-check against ComfyUI says what it is', async () => {
    const lines: { msg: string; files?: number }[] = [];
    const logged = createRegistry({
      locale: 'en',
      scenariosDir: scenarios,
      templatesDir: templates,
      limits: { workflowNodes: 100, workflowDepth: 16 },
      log: pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as { msg: string }) }),
      defaultMessage: 'submitted',
      objectInfo: async () => JSON.parse(await readFile(objectInfoFile, 'utf8')) as ObjectInfo,
    });
    try {
      await write('a.yaml', manifest(1));
      await logged.load();
      expect(await logged.checkAgainstComfy()).toBe(true);
      const reloads = lines.filter((line) => line.msg === 'scenarios reloaded');
      expect(reloads).toHaveLength(1);
      expect(reloads[0]?.files).toBe(1);
      expect(lines.some((line) => line.msg === 'scenarios checked against ComfyUI')).toBe(true);
    } finally {
      logged.close();
    }
  });

  it('tells listeners about every swap', async () => {
    const versions: number[] = [];
    registry.onChange((snapshot) => versions.push(snapshot.version));
    await write('a.yaml', manifest(1));
    await registry.load();
    await write('a.yaml', manifest(2));
    await registry.update([path.join(scenarios, 'a.yaml')]);
    expect(versions).toEqual([1, 2]);
  });
});
