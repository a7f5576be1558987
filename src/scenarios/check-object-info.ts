// A scenario checked against what a live ComfyUI says about its nodes (/object_info): node classes it lacks,
// inputs it does not know, values outside a node's limits or choices. These are warnings, not errors: the ComfyUI
// the gateway sees at load time may differ from the one that will run the prompt.
import type { InputSpec, ObjectInfo, Workflow } from '../comfy/types.js';
import { describeNode } from './check-mappings.js';
import type { PathSegment } from './load-manifest.js';
import { isLink } from './resolve-workflow.js';
import type { CompiledField, CompiledScenario } from './types.js';
import type { Translate } from '../i18n.js';

type At = (path: readonly PathSegment[]) => string;

/** Inputs ComfyUI validates itself instead of against their choices (their node classes define VALIDATE_INPUTS). */
const SELF_VALIDATED = new Set(['LoadImage.image', 'LoadImageMask.image']);

export function checkObjectInfo(scenario: CompiledScenario, info: ObjectInfo, at: At, t: Translate): string[] {
  const warnings: string[] = [];
  const workflow: Workflow = scenario.workflow;
  const overridden = new Map<string, { field: string; value: unknown }>();
  for (const field of scenario.fields) {
    // A default that means "draw a random seed" is never sent as is.
    const value = field.randomIf !== undefined && field.randomIf === field.default ? undefined : field.default;
    for (const target of field.targets) overridden.set(`${target.node}\u0000${target.input}`, { field: field.name, value });
  }
  const fixedAt = new Map(scenario.fixed.map((f) => [`${f.node}\u0000${f.input}`, f.key]));

  for (const [id, node] of Object.entries(workflow)) {
    const nodeInfo = info[node.class_type];
    if (!nodeInfo) {
      warnings.push(`${at(['workflow'])}: ${t('comfy.class_missing', { node: describeNode(workflow, id, t), class: node.class_type })}`);
      continue;
    }
    const specs: Record<string, InputSpec> = { ...nodeInfo.input.optional, ...nodeInfo.input.required };
    for (const [input, templateValue] of Object.entries(node.inputs)) {
      const key = `${id}\u0000${input}`;
      const field = overridden.get(key);
      const spec = specs[input];
      if (!spec) {
        if (field) {
          const known = Object.keys(specs).join(', ');
          warnings.push(
            `${at(['fields', field.field, 'to'])}: ${t('comfy.input_unknown', { name: field.field, input, node: describeNode(workflow, id, t), inputs: known })}`,
          );
        }
        continue;
      }
      if (SELF_VALIDATED.has(`${node.class_type}.${input}`)) continue;
      const fromField = field?.value !== undefined;
      const value = fromField ? field?.value : templateValue;
      if (value === undefined || isLink(value)) continue;
      const problem = outOfRange(spec, value, t);
      if (!problem) continue;
      const fixedKey = fixedAt.get(key);
      const where = fromField && field ? at(['fields', field.field, 'default']) : fixedKey ? at(['set', fixedKey]) : at(['workflow']);
      const said = { value: JSON.stringify(value), input, node: describeNode(workflow, id, t), problem };
      const message = fromField && field
        ? t('comfy.field_default', { name: field.field, ...said })
        : fixedKey ? t('comfy.set_value', said) : t('comfy.workflow_value', said);
      warnings.push(`${where}: ${message}`);
    }
    // A field typed narrower than the input refuses values ComfyUI takes (an integer field on a FLOAT input refuses
    // 7.5); a number field on an INT input lets through values ComfyUI refuses.
    for (const field of scenario.fields) {
      for (const target of field.targets.filter((t) => t.node === id)) {
        const spec = specs[target.input];
        const warning = spec && typeWarning(field, spec, target.input, describeNode(workflow, id, t), at, t);
        if (warning) warnings.push(warning);
      }
    }
    // A field offering choices the node does not have would pass our validator and fail in ComfyUI.
    for (const field of scenario.fields) {
      const choices = field.schema.enum as unknown[] | undefined;
      if (!choices) continue;
      for (const target of field.targets.filter((t) => t.node === id)) {
        const spec = specs[target.input];
        if (!spec || !Array.isArray(spec[0]) || SELF_VALIDATED.has(`${node.class_type}.${target.input}`)) continue;
        const offered = spec[0];
        const missing = choices.filter((c) => !offered.includes(c as string));
        if (missing.length) {
          const values = missing.map((m) => JSON.stringify(m)).join(', ');
          const said = { name: field.name, values, node: describeNode(workflow, id, t), choices: offered.join(', ') };
          warnings.push(`${at(['fields', field.name, 'enum'])}: ${t('comfy.enum_extra', said)}`);
        }
      }
    }
  }
  return warnings;
}

function typeWarning(
  field: CompiledField,
  spec: InputSpec,
  input: string,
  node: string,
  at: At,
  t: Translate,
): string | undefined {
  const declared = field.schema.type;
  if (typeof declared !== 'string' || Array.isArray(spec[0])) return undefined;
  const comfy = String(spec[0]);
  const params = { at: at(['fields', field.name, 'type']), field: field.name, declared, input, node, comfy };
  if (comfy === 'FLOAT' && declared === 'integer') {
    return t('manifest.type_narrower', { ...params, suggested: 'number' });
  }
  if (comfy === 'INT' && declared === 'number') return t('manifest.type_wider', params);
  return undefined;
}

/** Why the value does not fit the input's spec, as the end of a sentence; undefined when it fits. */
function outOfRange(spec: InputSpec, value: unknown, t: Translate): string | undefined {
  const [type, options = {}] = spec;
  if (Array.isArray(type)) {
    if (type.includes(value as string)) return undefined;
    const shown = type.length > 20 ? type.slice(0, 20).join(', ') + t('mapping.nodes_more', { count: type.length }) : type.join(', ');
    return type.length === 0 ? t('comfy.no_choices') : t('comfy.only_offers', { choices: shown });
  }
  if ((type === 'INT' || type === 'FLOAT') && typeof value === 'number') {
    const min = options.min as number | undefined;
    const max = options.max as number | undefined;
    if (min !== undefined && value < min) return t('comfy.minimum', { min });
    if (max !== undefined && value > max) return t('comfy.maximum', { max });
  }
  return undefined;
}
