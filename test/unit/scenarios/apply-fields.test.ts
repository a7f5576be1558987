// Building a prompt is pure: the frozen template is never written, untouched nodes are shared, seeds are drawn
// only for the "random" value, and params report what was really used.
import { describe, expect, it } from 'vitest';
import type { Workflow } from '../../../src/comfy/types.js';
import { buildPrompt } from '../../../src/scenarios/apply-fields.js';
import type { CompiledField } from '../../../src/scenarios/types.js';

const workflow: Workflow = Object.freeze({
  '1': Object.freeze({ class_type: 'A', inputs: Object.freeze({ text: 'template', clip: ['9', 0] }) }),
  '2': Object.freeze({ class_type: 'B', inputs: Object.freeze({ seed: 5, steps: 7 }) }),
  '3': Object.freeze({ class_type: 'C', inputs: Object.freeze({ seed: 5 }) }),
}) as Workflow;

const fields: CompiledField[] = [
  { name: 'prompt', schema: { type: 'string' }, required: true, targets: [{ node: '1', input: 'text' }] },
  {
    name: 'seed', schema: { type: 'integer', maximum: 1000 }, required: false, default: -1, randomIf: -1,
    targets: [{ node: '2', input: 'seed' }, { node: '3', input: 'seed' }],
  },
  { name: 'steps', schema: { type: 'integer' }, required: false, targets: [{ node: '2', input: 'steps' }] },
];

describe('buildPrompt', () => {
  it('writes values into copies of the touched nodes only', () => {
    const built = buildPrompt({ workflow, fields }, { prompt: 'hello', seed: 3 }, () => 0);
    expect(built.workflow['1']?.inputs).toEqual({ text: 'hello', clip: ['9', 0] });
    expect(built.workflow['2']?.inputs.seed).toBe(3);
    expect(built.workflow['3']?.inputs.seed).toBe(3);
    expect(workflow['1']?.inputs.text).toBe('template');
    expect(built.workflow['1']?.inputs.clip).toBe(workflow['1']?.inputs.clip);
  });

  it('shares the nodes no field touches', () => {
    const built = buildPrompt({ workflow, fields: fields.slice(0, 1) }, { prompt: 'x' });
    expect(built.workflow['2']).toBe(workflow['2']);
    expect(built.workflow['1']).not.toBe(workflow['1']);
  });

  it('draws a seed for the random value, within the field maximum, and reports it', () => {
    const limits: number[] = [];
    const built = buildPrompt({ workflow, fields }, { prompt: 'x', seed: -1 }, (max) => (limits.push(max), 777));
    expect(limits).toEqual([1000]);
    expect(built.params.seed).toBe(777);
    expect(built.workflow['3']?.inputs.seed).toBe(777);
  });

  it('reports the template value of a field the caller left out', () => {
    const built = buildPrompt({ workflow, fields }, { prompt: 'x', seed: 1 });
    expect(built.params).toEqual({ prompt: 'x', seed: 1, steps: 7 });
  });
});
