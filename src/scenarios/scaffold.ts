// The starting manifest `npm run new-scenario` writes for a workflow: every literal input of every node becomes a
// commented candidate field. Its type, limits, step and choices come from the node's definition in ComfyUI's
// /object_info when it is known (FLOAT → number, INT → integer, a list of choices → enum, BOOLEAN, STRING), else
// they are guessed from the value, never narrower than it (a number is `number`). The default is the workflow's own
// value: what the prompt runs with when a caller leaves the field out. The scaffold says `draft: true`, so the
// gateway lists and checks it but serves no route until its author removes that line.
import { stringify } from 'yaml';
import type { InputSpec, ObjectInfo, Workflow } from '../comfy/types.js';

export function scaffoldManifest(name: string, templateName: string, workflow: Workflow, info: ObjectInfo | undefined): string {
  const lines = [
    `# POST /api/v1/scenarios/${name}. Format and every message: docs/scenarios.md`,
    '# A draft: checked and listed by the gateway, but not served. Delete this line when the manifest is finished.',
    'draft: true',
    `summary: ${name}`,
    'description: ""',
    'tags: [scenarios]',
    `workflow: ${templateName}`,
    '# Candidate fields, one per literal input of the workflow: replace "fields: {}" by "fields:" and uncomment',
    '# the ones callers should set by deleting their leading "# ".',
    info
      ? '# Types, limits and choices are those of the ComfyUI the scaffold was made against.'
      : '# No ComfyUI answered: types are guessed from the values; check them (npm run check -- --comfyui URL).',
    'fields: {}',
  ];
  const used = new Set<string>();
  for (const [id, node] of Object.entries(workflow)) {
    const specs = info?.[node.class_type]?.input;
    for (const [input, value] of Object.entries(node.inputs)) {
      if (Array.isArray(value)) continue; // a link to another node, not a value
      let field = fieldName(input, node._meta?.title);
      if (used.has(field)) field = `${field}_${id.replace(/\W/g, '_')}`;
      used.add(field);
      const spec = specs?.required?.[input] ?? specs?.optional?.[input];
      const schema = {
        [field]: {
          ...fieldSchema(value, spec),
          default: value,
          ...(input === 'seed' && typeof value === 'number' ? { minimum: -1, random_if: -1 } : {}),
          ...(node.class_type === 'LoadImage' && input === 'image' ? { format: 'image' } : {}),
          description: `${input} of ${node._meta?.title ?? node.class_type}${stepNote(spec)}`,
          to: `${id}.inputs.${input}`,
        },
      };
      // A LoadImage's choices are the files ComfyUI has now; callers send their own images instead.
      if (node.class_type === 'LoadImage' && input === 'image') delete (schema[field] as Record<string, unknown>).enum;
      lines.push(...stringify(schema, { indent: 2 }).trimEnd().split('\n').map((line) => `#   ${line}`));
    }
  }
  lines.push('outputs: []', `message: ${name} submitted`, '');
  return lines.join('\n');
}

/** The JSON Schema of one input, from its definition when known, else from its value. */
export function fieldSchema(value: unknown, spec: InputSpec | undefined): Record<string, unknown> {
  const [type, options = {}] = spec ?? [];
  const choices = Array.isArray(type) ? type : type === 'COMBO' && Array.isArray(options.options) ? (options.options as unknown[]) : undefined;
  if (choices) return { type: 'string', enum: choices };
  if (type === 'INT' || type === 'FLOAT') {
    const out: Record<string, unknown> = { type: type === 'INT' ? 'integer' : 'number' };
    // Limits beyond what a JSON number holds exactly (a seed's 2^64 - 1) are left out rather than rounded.
    if (typeof options.min === 'number' && Number.isSafeInteger(Math.trunc(options.min))) out.minimum = options.min;
    if (typeof options.max === 'number' && Number.isSafeInteger(Math.trunc(options.max))) out.maximum = options.max;
    // An integer step holds exactly; a decimal one (0.01) would make valid values fail on rounding.
    if (type === 'INT' && typeof options.step === 'number' && options.step > 1 && isMultiple(options.min, options.step)) {
      out.multipleOf = options.step;
    }
    return out;
  }
  if (type === 'BOOLEAN') return { type: 'boolean' };
  if (type === 'STRING') return { type: 'string' };
  return { type: typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'string' };
}

function isMultiple(min: unknown, step: number): boolean {
  return typeof min !== 'number' || min % step === 0;
}

function stepNote(spec: InputSpec | undefined): string {
  const options = spec?.[1] ?? {};
  const notes: string[] = [];
  if (spec?.[0] === 'FLOAT' && typeof options.step === 'number') notes.push(`step ${options.step}`);
  if (spec?.[0] === 'STRING' && options.multiline === true) notes.push('multi-line text');
  return notes.length ? ` (${notes.join(', ')})` : '';
}

function fieldName(input: string, title: string | undefined): string {
  return input === 'text' && title ? title.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '') || input : input;
}
