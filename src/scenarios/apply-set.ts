// A manifest's `set:` block: values fixed by the author, written into the scenario's copy of the workflow once when
// it compiles, so every prompt built from it carries them and no caller can change them. Checked like a field's
// `to:`: the node (by id or title) and the input exist, a connection is only cut with `overwrite_link: true`, the
// value is of the kind the workflow holds there, and no field writes the same place.
import type { Workflow } from '../comfy/types.js';
import type { Translate } from '../i18n.js';
import { describeNode, findNode, kindOf, titleIndex } from './check-mappings.js';
import type { PathSegment } from './load-manifest.js';
import type { Manifest } from './manifest-schema.js';
import { isLink } from './resolve-workflow.js';
import type { FixedValue, Target } from './types.js';

type At = (path: readonly PathSegment[]) => string;

export interface SetResult {
  /** The workflow with the fixed values written in (the input itself when `set:` is empty). */
  workflow: Workflow;
  fixed: FixedValue[];
  errors: string[];
}

const NODE_PATH = /^(.+)\.inputs\.([^.]+)$/;

export function applySet(
  manifest: Manifest,
  workflow: Workflow,
  targets: ReadonlyMap<string, readonly Target[]>,
  at: At,
  t: Translate,
): SetResult {
  const entries = Object.entries(manifest.set ?? {});
  if (entries.length === 0) return { workflow, fixed: [], errors: [] };
  const errors: string[] = [];
  const fixed: FixedValue[] = [];
  const titles = titleIndex(workflow);
  const fieldOf = new Map<string, string>();
  for (const [field, list] of targets) for (const t of list) fieldOf.set(`${t.node}\u0000${t.input}`, field);

  for (const [key, given] of entries) {
    const where = at(['set', key]);
    const value = typeof given === 'object' ? given.value : given;
    const overwriteLink = typeof given === 'object' && given.overwrite_link === true;
    const match = NODE_PATH.exec(key);
    if (!match) {
      errors.push(t('manifest.set_path', { at: where, key }));
      continue;
    }
    const [, ref = '', input = ''] = match;
    const node = findNode(workflow, titles, ref, t);
    if (typeof node !== 'string') {
      errors.push(t('manifest.set_node', { at: where, ref, reason: node.reason }));
      continue;
    }
    const inputs = (workflow[node] as Workflow[string]).inputs;
    const label = describeNode(workflow, node, t);
    if (!Object.hasOwn(inputs, input)) {
      errors.push(t('manifest.set_input', { at: where, input, node: label, inputs: Object.keys(inputs).join(', ') }));
      continue;
    }
    const current = inputs[input];
    if (isLink(current)) {
      if (!overwriteLink) {
        const [from, slot] = current as [string, number];
        errors.push(t('manifest.set_link', { at: where, input, node: label, from, slot }));
        continue;
      }
    } else if (kindOf(value, t) !== kindOf(current, t)) {
      errors.push(
        t('manifest.set_type', {
          at: where, input, node: label, value: JSON.stringify(value), current: JSON.stringify(current),
        }),
      );
      continue;
    }
    const field = fieldOf.get(`${node}\u0000${input}`);
    if (field) {
      errors.push(t('manifest.set_field', { at: where, field, input, node: label }));
      continue;
    }
    fixed.push({ node, input, value, key });
  }
  if (errors.length) return { workflow, fixed: [], errors };
  // Only the nodes `set:` touches are copied; the template object itself is never changed.
  const result: Workflow = { ...workflow };
  for (const { node, input, value } of fixed) {
    const original = result[node] as Workflow[string];
    result[node] = { ...original, inputs: { ...original.inputs, [input]: value } };
  }
  return { workflow: result, fixed, errors };
}
