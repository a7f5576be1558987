// What a backend can run, read from its /object_info, and what a prompt needs, read from the prompt. Both are
// computed once (a backend's on connect, a prompt's at submission) into sets, so checking one prompt against a
// hundred backends is a few hash lookups each.
import type { InputSpec, ObjectInfo, Workflow } from '../comfy/types.js';

export interface Capabilities {
  nodes: ReadonlySet<string>;
  /** `${class_type}\u0000${input}` → the values that COMBO input accepts. Unlisted inputs accept anything. */
  choices: ReadonlyMap<string, ReadonlySet<string>>;
}

/** One literal string a prompt gives to an input; it matters only where a backend's input is a COMBO. */
export interface ValueRequirement {
  classType: string;
  input: string;
  value: string;
  key: string;
}

export interface Requirements {
  classTypes: readonly string[];
  values: readonly ValueRequirement[];
}

const keyOf = (classType: string, input: string): string => `${classType}\u0000${input}`;

export function readCapabilities(info: ObjectInfo): Capabilities {
  const nodes = new Set<string>();
  const choices = new Map<string, ReadonlySet<string>>();
  for (const [classType, node] of Object.entries(info)) {
    nodes.add(classType);
    const inputs = { ...node.input?.optional, ...node.input?.required };
    for (const [input, spec] of Object.entries(inputs)) {
      const accepted = comboChoices(spec);
      if (accepted) choices.set(keyOf(classType, input), new Set(accepted));
    }
  }
  return { nodes, choices };
}

/**
 * The values of a COMBO, in either spelling ComfyUI uses: `[[...values], opts]` or `["COMBO", {options}]`.
 * Upload inputs (LoadImage's image) are left out: the gateway pushes the image to whichever backend runs the job,
 * so today's file list there says nothing. A COMBO filled remotely (no options listed) is left out as unknown.
 */
function comboChoices(spec: InputSpec | undefined): readonly string[] | undefined {
  if (!Array.isArray(spec)) return undefined;
  const [type, options] = spec;
  if (options?.image_upload === true) return undefined;
  if (Array.isArray(type)) return type.filter((value): value is string => typeof value === 'string');
  if (type === 'COMBO' && Array.isArray(options?.options)) {
    return options.options.filter((value): value is string => typeof value === 'string');
  }
  return undefined;
}

/**
 * Every class_type, and every literal string input (a candidate COMBO value): the prompt alone cannot say which
 * inputs are COMBOs, each backend's own catalogue does, so the check decides per backend.
 */
export function requirementsOf(prompt: Workflow): Requirements {
  const classTypes = new Set<string>();
  const values = new Map<string, ValueRequirement>();
  for (const node of Object.values(prompt)) {
    classTypes.add(node.class_type);
    for (const [input, value] of Object.entries(node.inputs ?? {})) {
      if (typeof value !== 'string') continue;
      const key = keyOf(node.class_type, input);
      values.set(`${key}\u0000${value}`, { classType: node.class_type, input, value, key });
    }
  }
  return { classTypes: [...classTypes], values: [...values.values()] };
}

/** What one backend lacks for these requirements; empty lists when it can run them. */
export function lacks(requirements: Requirements, capabilities: Capabilities): { nodes: string[]; values: ValueRequirement[] } {
  const nodes = requirements.classTypes.filter((classType) => !capabilities.nodes.has(classType));
  const values = requirements.values.filter(
    (need) => capabilities.nodes.has(need.classType) && capabilities.choices.get(need.key)?.has(need.value) === false,
  );
  return { nodes, values };
}

/**
 * Answers are remembered per (capabilities, requirements) pair: the dispatcher asks the same question for a queued
 * job each time a slot frees. Weak maps, so a backend's old capabilities and finished jobs' requirements go away.
 */
export function createCapabilityCheck(): (requirements: Requirements, capabilities: Capabilities) => boolean {
  const answers = new WeakMap<Capabilities, WeakMap<Requirements, boolean>>();
  return (requirements, capabilities) => {
    let known = answers.get(capabilities);
    if (!known) answers.set(capabilities, (known = new WeakMap()));
    let answer = known.get(requirements);
    if (answer === undefined) {
      answer = canRun(requirements, capabilities);
      known.set(requirements, answer);
    }
    return answer;
  };
}

export function canRun(requirements: Requirements, capabilities: Capabilities): boolean {
  for (const classType of requirements.classTypes) if (!capabilities.nodes.has(classType)) return false;
  for (const need of requirements.values) {
    if (capabilities.choices.get(need.key)?.has(need.value) === false) return false;
  }
  return true;
}

/** The model a prompt loads, for affinity: the checkpoint, or the diffusion model of split-file workflows. */
export function checkpointOf(requirements: Requirements): string | undefined {
  return requirements.values.find((need) => need.input === 'ckpt_name' || need.input === 'unet_name')?.value;
}
