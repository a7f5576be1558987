// Where a manifest's workflow lives (beside the manifest, else in templates/) and whether its text is a workflow
// ComfyUI's /prompt accepts (API format). Reading is left to the caller, which caches shared templates.
import path from 'node:path';
import type { Workflow } from '../comfy/types.js';
import { translator, type Translate } from '../i18n.js';

export interface WorkflowLimits {
  maxBytes: number;
  maxNodes: number;
  maxDepth: number;
}

/** The files a `workflow:` name may refer to, in the order they are tried. Undefined if it leaves the folders. */
export function workflowCandidates(name: string, manifestDir: string, templatesDir: string): string[] | undefined {
  if (path.isAbsolute(name) || name.split(/[\\/]/).includes('..')) return undefined;
  return [path.resolve(manifestDir, name), path.resolve(templatesDir, name)];
}

export type ParseWorkflowResult = { ok: true; workflow: Workflow } | { ok: false; reason: string };

/** `reason` completes the sentence "workflow <file> …". */
export function parseWorkflow(text: string, limits: WorkflowLimits, t: Translate = translator('en')): ParseWorkflowResult {
  if (Buffer.byteLength(text) > limits.maxBytes) {
    return { ok: false, reason: t('workflow.too_large', { kib: Math.round(limits.maxBytes / 1024) }) };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: t('workflow.not_json', { detail: jsonProblem(text, error, t) }) };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, reason: t('workflow.not_object') };
  }
  const record = value as Record<string, unknown>;
  if (Array.isArray(record.nodes) && Array.isArray(record.links)) {
    return { ok: false, reason: t('workflow.ui_format') };
  }
  const ids = Object.keys(record);
  if (ids.length === 0) return { ok: false, reason: t('workflow.no_nodes') };
  if (ids.length > limits.maxNodes) return { ok: false, reason: t('workflow.too_many_nodes', { count: ids.length, limit: limits.maxNodes }) };
  for (const id of ids) {
    const node = record[id] as Record<string, unknown> | null;
    if (node === null || typeof node !== 'object' || typeof node.class_type !== 'string') {
      return { ok: false, reason: t('workflow.node_no_class', { id }) };
    }
    if (node.inputs === null || typeof node.inputs !== 'object' || Array.isArray(node.inputs)) {
      return { ok: false, reason: t('workflow.node_no_inputs', { id, class: node.class_type }) };
    }
    if (depthOf(node.inputs, 0, limits.maxDepth) > limits.maxDepth) {
      return { ok: false, reason: t('workflow.node_too_deep', { id, limit: limits.maxDepth }) };
    }
  }
  return { ok: true, workflow: deepFreeze(record as Workflow) };
}

/** Where JSON.parse stopped, as a line and column when V8 gives a position, else its own words. */
function jsonProblem(text: string, error: unknown, t: Translate): string {
  const message = error instanceof Error ? error.message : String(error);
  const position = /at position (\d+)/.exec(message);
  if (!position) return t('workflow.json_reason', { reason: message });
  const before = text.slice(0, Number(position[1]));
  const line = before.split('\n').length;
  return t('workflow.json_at', { reason: message, line, column: before.length - before.lastIndexOf('\n') });
}

function depthOf(value: unknown, depth: number, limit: number): number {
  if (depth > limit || value === null || typeof value !== 'object') return depth;
  let deepest = depth;
  for (const child of Object.values(value)) deepest = Math.max(deepest, depthOf(child, depth + 1, limit));
  return deepest;
}

/** Templates are shared by every request that builds from them; freezing makes an accidental write throw. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** A link from another node's output: `["1", 0]`. */
export function isLink(value: unknown): boolean {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'number';
}
