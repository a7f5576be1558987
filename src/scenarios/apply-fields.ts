// Validated field values → the prompt to submit. A pure function: the template is shared and frozen, so only the
// nodes a field touches are copied (one shallow copy of the node and of its inputs); every other node is reused.
import { randomInt } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Workflow, WorkflowNode } from '../comfy/types.js';
import type { CompiledField } from './types.js';

export interface BuiltPrompt {
  workflow: Workflow;
  /** The values actually used, including drawn seeds and template values of fields the caller left out. */
  params: Record<string, unknown>;
}

/** Draws a seed in [0, max]; crypto.randomInt's range tops out just under 2^48. */
export type SeedSource = (max: number) => number;

export const randomSeed: SeedSource = (max) => randomInt(0, Math.min(max, 2 ** 48 - 2) + 1);

export function buildPrompt(
  scenario: { workflow: Readonly<Workflow>; fields: readonly CompiledField[] },
  body: Readonly<Record<string, unknown>>,
  seed: SeedSource = randomSeed,
): BuiltPrompt {
  const workflow: Workflow = { ...scenario.workflow };
  const copied = new Set<string>();
  const params: Record<string, unknown> = {};

  for (const field of scenario.fields) {
    let value = body[field.name];
    if (value === undefined) {
      const first = field.targets[0];
      if (first) params[field.name] = scenario.workflow[first.node]?.inputs[first.input];
      continue;
    }
    if (field.randomIf !== undefined && isDeepStrictEqual(value, field.randomIf)) {
      const maximum = typeof field.schema.maximum === 'number' ? field.schema.maximum : Number.MAX_SAFE_INTEGER;
      value = seed(Math.max(0, maximum));
    }
    params[field.name] = value;
    for (const target of field.targets) {
      if (!copied.has(target.node)) {
        const node = workflow[target.node] as WorkflowNode;
        workflow[target.node] = { ...node, inputs: { ...node.inputs } };
        copied.add(target.node);
      }
      (workflow[target.node] as WorkflowNode).inputs[target.input] = value;
    }
  }
  return { workflow, params };
}
