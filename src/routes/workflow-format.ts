// Is this an API-format workflow? ComfyUI answers a UI-format export or a node without class_type with a 500 or
// a puzzling error, so the gateway says what is wrong, and how to export the right format, before sending it.
import type { Workflow } from '../comfy/types.js';
import type { MessageKey } from '../i18n.js';

export interface WorkflowProblem {
  key: MessageKey;
  params: Record<string, string | number>;
}

export interface WorkflowLimits {
  maxNodes: number;
  maxDepth: number;
}

/** undefined when `value` looks like an API-format workflow within the limits. */
export function findWorkflowProblem(value: Record<string, unknown>, limits: WorkflowLimits): WorkflowProblem | undefined {
  if (Array.isArray(value.nodes) || Array.isArray(value.links)) return { key: 'reason.workflow_ui_format', params: {} };
  const ids = Object.keys(value);
  if (ids.length === 0) return { key: 'reason.workflow_empty', params: {} };
  if (ids.length > limits.maxNodes) {
    return { key: 'reason.workflow_too_many_nodes', params: { count: ids.length, limit: limits.maxNodes } };
  }
  for (const id of ids) {
    const node = value[id];
    const problem = nodeProblem(node);
    if (problem) return { key: 'reason.workflow_node_invalid', params: { id, problem } };
  }
  if (depthOf(value, limits.maxDepth + 1) > limits.maxDepth) {
    return { key: 'reason.workflow_too_deep', params: { limit: limits.maxDepth } };
  }
  return undefined;
}

export function asWorkflow(value: Record<string, unknown>): Workflow {
  return value as Workflow;
}

function nodeProblem(node: unknown): string | undefined {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return 'not an object';
  const { class_type: classType, inputs } = node as Record<string, unknown>;
  if (classType === undefined) return 'class_type missing';
  if (typeof classType !== 'string' || classType.trim() === '') return 'class_type is not a non-empty string';
  if (inputs === undefined) return 'inputs missing';
  if (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs)) return 'inputs is not an object';
  return undefined;
}

/** Nesting depth, counted no further than `stop` so a hostile document costs no more than the limit. */
function depthOf(value: unknown, stop: number): number {
  if (value === null || typeof value !== 'object') return 0;
  if (stop <= 0) return 1;
  let deepest = 0;
  for (const child of Object.values(value)) {
    deepest = Math.max(deepest, depthOf(child, stop - 1));
    if (deepest >= stop) break;
  }
  return deepest + 1;
}
