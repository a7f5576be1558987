// Every `to:` of a manifest checked against its workflow: the node exists (by id or by its title), the input
// exists, a connection between nodes is not cut by accident, and the field's type fits the value it replaces.
import type { Workflow } from '../comfy/types.js';
import { didYouMean, type Manifest } from './manifest-schema.js';
import type { PathSegment } from './load-manifest.js';
import { isLink } from './resolve-workflow.js';
import type { Target } from './types.js';
import type { MessageKey, Translate } from '../i18n.js';

export interface MappingResult {
  targets: Map<string, Target[]>;
  outputs: string[];
  errors: string[];
}

type At = (path: readonly PathSegment[]) => string;

export function checkMappings(manifest: Manifest, workflow: Workflow, at: At, t: Translate): MappingResult {
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
      const node = findNode(workflow, titles, ref, t);
      if (typeof node !== 'string') {
        errors.push(`${where}: ${t('mapping.no_node', { name, ref, reason: node.reason })}`);
        return;
      }
      const inputs = (workflow[node] as Workflow[string]).inputs;
      const label = describeNode(workflow, node, t);
      if (!Object.hasOwn(inputs, input)) {
        const names = Object.keys(inputs);
        const guess = didYouMean(input, names);
        const hint = guess
          ? t('manifest.hint_did_you_mean', { guess })
          : names.length ? t('mapping.hint_inputs', { inputs: names.join(', ') }) : '';
        errors.push(`${where}: ${t('mapping.no_input', { name, input, node: label, hint })}`);
        return;
      }
      const current = inputs[input];
      if (isLink(current) && field.overwrite_link !== true) {
        const [from, slot] = current as [string, number];
        errors.push(`${where}: ${t('mapping.link', { name, input, node: label, from, slot })}`);
        return;
      }
      const mismatch = isLink(current) ? undefined : typeMismatch(field, current, t);
      if (mismatch) {
        const kind = kindOf(current, t);
        const value = JSON.stringify(current);
        errors.push(`${at(['fields', name])}: ${t('mapping.type_mismatch', { name, mismatch, input, node: label, kind, value })}`);
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
    const node = findNode(workflow, titles, String(ref), t);
    if (typeof node === 'string') outputs.push(node);
    else errors.push(`${at([...listAt, index])}: ${t('mapping.output_missing', { ref, reason: node.reason })}`);
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

/**
 * A node id, or why the reference names none (or several). An unknown name lists the nodes by id and title and
 * suggests the closest of either, since authors write whichever they saw in ComfyUI.
 */
export function findNode(workflow: Workflow, titles: Map<string, string[]>, ref: string, t: Translate): string | { reason: string } {
  if (Object.hasOwn(workflow, ref)) return ref;
  const byTitle = titles.get(ref);
  if (byTitle?.length === 1) return byTitle[0] as string;
  if (byTitle && byTitle.length > 1) return { reason: t('mapping.title_ambiguous', { ref, ids: byTitle.join(', ') }) };
  const ids = Object.keys(workflow);
  const named = ids.map((id) => {
    const title = workflow[id]?._meta?.title;
    return typeof title === 'string' && title !== id ? `${id} "${title}"` : id;
  });
  const shown = named.slice(0, 12).join(', ') + (ids.length > 12 ? t('mapping.nodes_more', { count: ids.length }) : '');
  const guess = didYouMean(ref, [...ids, ...titles.keys()]);
  const hint = guess ? t('manifest.hint_did_you_mean', { guess }) : '';
  return { reason: t('mapping.node_unknown', { ref, hint, nodes: shown }) };
}

export function describeNode(workflow: Workflow, id: string, t: Translate): string {
  const node = workflow[id];
  const title = node?._meta?.title;
  const type = node?.class_type ?? '?';
  return title && title !== id ? t('mapping.node', { id, title, class: type }) : t('mapping.node_untitled', { id, class: type });
}

export function kindOf(value: unknown, t: Translate): string {
  return t(kindKey(value));
}

function kindKey(value: unknown): MessageKey {
  if (typeof value === 'string') return 'value.text';
  if (typeof value === 'number') return 'value.number';
  if (typeof value === 'boolean') return 'value.boolean';
  if (value === null) return 'value.null';
  return Array.isArray(value) ? 'value.list' : 'value.object';
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

/** How the field's type disagrees with the template's value, as the middle of a sentence; undefined if it fits. */
function typeMismatch(field: Record<string, unknown>, current: unknown, t: Translate): string | undefined {
  const declared = field.type;
  if (declared !== undefined) {
    const types = (Array.isArray(declared) ? declared : [declared]) as string[];
    if (types.some((type) => fits[type]?.(current))) return undefined;
    return t('mapping.has_type', { types: types.join('/') });
  }
  if (field.default !== undefined && kindKey(field.default) !== kindKey(current)) {
    return t('mapping.has_default', { kind: kindOf(field.default, t), value: JSON.stringify(field.default) });
  }
  return undefined;
}
