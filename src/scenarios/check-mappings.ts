// Every `to:` of a manifest checked against its workflow: the node exists (by id or by its title), the input
// exists, a connection between nodes is not cut by accident, and the field's type fits the value it replaces.
import type { Workflow } from '../comfy/types.js';
import { didYouMean, type Manifest } from './manifest-schema.js';
import type { PathSegment } from './load-manifest.js';
import { isLink } from './resolve-workflow.js';
import type { Target } from './types.js';

export interface MappingResult {
  targets: Map<string, Target[]>;
  outputs: string[];
  errors: string[];
}

type At = (path: readonly PathSegment[]) => string;

export function checkMappings(manifest: Manifest, workflow: Workflow, at: At): MappingResult {
  const errors: string[] = [];
  const targets = new Map<string, Target[]>();
  const titles = titleIndex(workflow);

  for (const [name, field] of Object.entries(manifest.fields ?? {})) {
    const list = Array.isArray(field.to) ? field.to : [field.to];
    const resolved: Target[] = [];
    list.forEach((to, index) => {
      const where = at(Array.isArray(field.to) ? ['fields', name, 'to', index] : ['fields', name, 'to']);
      const split = to.lastIndexOf('.inputs.');
      const ref = to.slice(0, split);
      const input = to.slice(split + '.inputs.'.length);
      const node = findNode(workflow, titles, ref);
      if (typeof node !== 'string') {
        errors.push(`${where}: field "${name}" maps to node "${ref}", but ${node.reason}`);
        return;
      }
      const inputs = (workflow[node] as Workflow[string]).inputs;
      const label = describeNode(workflow, node);
      if (!Object.hasOwn(inputs, input)) {
        const names = Object.keys(inputs);
        const guess = didYouMean(input, names);
        const hint = guess ? ` (did you mean "${guess}"?)` : names.length ? ` (inputs: ${names.join(', ')})` : '';
        errors.push(`${where}: field "${name}" maps to input "${input}" of ${label}, but that node has no input "${input}"${hint}`);
        return;
      }
      const current = inputs[input];
      if (isLink(current) && field.overwrite_link !== true) {
        const [from, slot] = current as [string, number];
        errors.push(
          `${where}: field "${name}" would replace input "${input}" of ${label}, which is connected to output ${slot} of node "${from}"; ` +
            'add "overwrite_link: true" to the field if cutting that connection is intended',
        );
        return;
      }
      const mismatch = isLink(current) ? undefined : typeMismatch(field, current);
      if (mismatch) {
        errors.push(`${at(['fields', name])}: field "${name}" ${mismatch}, but input "${input}" of ${label} holds ${kindOf(current)} (${JSON.stringify(current)})`);
        return;
      }
      resolved.push({ node, input });
    });
    targets.set(name, resolved);
  }

  const outputs: string[] = [];
  // `outputs: [8]` or `outputs: {nodes: [8], mirror: true}`: the same nodes, found at a different place.
  const listed = Array.isArray(manifest.outputs) ? manifest.outputs : (manifest.outputs?.nodes ?? []);
  const listAt: PathSegment[] = Array.isArray(manifest.outputs) ? ['outputs'] : ['outputs', 'nodes'];
  listed.forEach((ref, index) => {
    const node = findNode(workflow, titles, String(ref));
    if (typeof node === 'string') outputs.push(node);
    else errors.push(`${at([...listAt, index])}: output "${ref}" is not in the workflow: ${node.reason}`);
  });
  return { targets, outputs, errors };
}

export function titleIndex(workflow: Workflow): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const [id, node] of Object.entries(workflow)) {
    const title = node._meta?.title;
    if (typeof title === 'string') index.set(title, [...(index.get(title) ?? []), id]);
  }
  return index;
}

/** A node id, or why the reference names none (or several). */
export function findNode(workflow: Workflow, titles: Map<string, string[]>, ref: string): string | { reason: string } {
  if (Object.hasOwn(workflow, ref)) return ref;
  const byTitle = titles.get(ref);
  if (byTitle?.length === 1) return byTitle[0] as string;
  if (byTitle && byTitle.length > 1) {
    return { reason: `several nodes have the title "${ref}" (${byTitle.join(', ')}); name the node by its id instead` };
  }
  const ids = Object.keys(workflow);
  const shown = ids.slice(0, 12).join(', ') + (ids.length > 12 ? ` … (${ids.length} in all)` : '');
  return { reason: `the workflow has no node with the id or title "${ref}" (nodes: ${shown})` };
}

export function describeNode(workflow: Workflow, id: string): string {
  const node = workflow[id];
  return `node "${id}" (${node?._meta?.title && node._meta.title !== id ? `${node._meta.title}, ` : ''}${node?.class_type ?? '?'})`;
}

export function kindOf(value: unknown): string {
  if (typeof value === 'string') return 'text';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return 'true/false';
  if (value === null) return 'null';
  return Array.isArray(value) ? 'a list' : 'an object';
}

const fits: Record<string, (value: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number',
  integer: (v) => typeof v === 'number',
  boolean: (v) => typeof v === 'boolean',
  array: (v) => Array.isArray(v),
  object: (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
  null: (v) => v === null,
};

/** How the field's type disagrees with the template's value, as the start of a sentence; undefined if it fits. */
function typeMismatch(field: Record<string, unknown>, current: unknown): string | undefined {
  const declared = field.type;
  if (declared !== undefined) {
    const types = (Array.isArray(declared) ? declared : [declared]) as string[];
    if (types.some((t) => fits[t]?.(current))) return undefined;
    return `has type ${types.join('/')}`;
  }
  if (field.default !== undefined && kindOf(field.default) !== kindOf(current)) {
    return `has a default of ${kindOf(field.default)} (${JSON.stringify(field.default)})`;
  }
  return undefined;
}
