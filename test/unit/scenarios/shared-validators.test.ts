// Scenarios that ask for the same body share one compiled validator (src/scenarios/compile-scenario.ts): start-up
// with many scenarios from one pattern compiles each body once. Sharing must not change what each one answers:
// a scenario removed or edited leaves the others validating, and a body that differs gets its own validator.
import { mkdtemp, mkdir, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log.js';
import { createRegistry, type ScenarioRegistry } from '../../../src/scenarios/registry.js';

const workflow = {
  '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 0 } },
  '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: 'x' } },
};
const manifest = (summary: string, maximum = 4096) => `summary: ${summary}
workflow: wf.json
fields:
  width: { type: integer, minimum: 1, maximum: ${maximum}, default: 8, to: 1.inputs.width }
`;

describe('validators shared between scenarios with the same body', () => {
  let dir: string;
  let registry: ScenarioRegistry;
  const file = (name: string) => path.join(dir, 'scenarios', name);

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'shared-validators-'));
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
    });
  });
  afterEach(async () => {
    registry.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('compiles one validator for the same body, keeps it while one user is left, and a new one for another body', async () => {
    await writeFile(file('a.yaml'), manifest('first'));
    await writeFile(file('b.yaml'), manifest('second'));
    await writeFile(file('c.yaml'), manifest('third', 64));
    const loaded = await registry.load();
    const [a, b, c] = ['a', 'b', 'c'].map((name) => loaded.scenarios.get(name));
    expect(a?.validate).toBeDefined();
    expect(b?.validate).toBe(a?.validate);
    expect(c?.validate).not.toBe(a?.validate);
    expect([a?.validate({ width: 100 }), c?.validate({ width: 100 })]).toEqual([true, false]);

    // One of the two users goes away: the other still validates with the same function.
    await unlink(file('a.yaml'));
    const afterRemoval = await registry.update([file('a.yaml')]);
    expect(afterRemoval.scenarios.has('a')).toBe(false);
    const kept = afterRemoval.scenarios.get('b');
    expect(kept?.validate).toBe(b?.validate);
    expect([kept?.validate({ width: 100 }), kept?.validate({ width: 5000 })]).toEqual([true, false]);

    // b edited to c's body: it now shares c's validator.
    await writeFile(file('b.yaml'), manifest('second, narrower', 64));
    const edited = await registry.update([file('b.yaml')]);
    expect(edited.scenarios.get('b')?.validate).toBe(c?.validate);
    expect(edited.scenarios.get('b')?.validate({ width: 100 })).toBe(false);
  });

  it('still reports a default its own field refuses, for every manifest that has it', async () => {
    const bad = `workflow: wf.json
fields:
  width: { type: integer, minimum: 16, default: 8, to: 1.inputs.width }
`;
    await writeFile(file('a.yaml'), bad);
    await writeFile(file('b.yaml'), bad);
    const loaded = await registry.load();
    expect(loaded.scenarios.size).toBe(0);
    const problems = loaded.problems.map((problem) => JSON.stringify(problem));
    expect(problems.filter((text) => text.includes('a.yaml')).length).toBeGreaterThan(0);
    expect(problems.filter((text) => text.includes('b.yaml')).length).toBeGreaterThan(0);
  });
});
