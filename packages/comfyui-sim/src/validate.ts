// validate_prompt from ComfyUI 0.3.64 execution.py, step for step: which nodes are outputs, the
// node_errors and dependent_outputs quirks, and the error of a prompt whose outputs all fail.
// A PyError thrown out of here is what Python would raise uncaught: the HTTP layer answers it with a 500.
import { PyError, isObject, pyIn, pyStr, type JsonObject, type JsonValue } from './py.js';
import {
  TB_VALIDATE_PROMPT, framesOf, validateInputs, type Reason, type ValidationDeps, type Verdict,
} from './validate-inputs.js';

export type { ValidationDeps } from './validate-inputs.js';

export interface ValidationResult {
  ok: boolean;
  error: JsonObject | null;
  outputs: string[];
  nodeErrors: JsonObject;
}

export function validatePrompt(prompt: unknown, partialTargets: unknown, deps: ValidationDeps): ValidationResult {
  const fail = (type: string, message: string, details: string): ValidationResult => ({
    ok: false, error: { type, message, details, extra_info: {} }, outputs: [], nodeErrors: {},
  });
  if (!isObject(prompt)) {
    // Iterating a str/list/None/number in Python either finds no nodes or raises.
    if ((typeof prompt === 'string' || Array.isArray(prompt)) && prompt.length === 0) {
      return fail('prompt_no_outputs', 'Prompt has no outputs', '');
    }
    throw new PyError('TypeError', `${typeof prompt === 'string' ? 'string' : 'list'} indices must be integers`);
  }
  const outputs: string[] = [];
  for (const [id, node] of Object.entries(prompt)) {
    if (!pyIn('class_type', node)) {
      return fail('invalid_prompt', 'Cannot execute because a node is missing the class_type property.', `Node ID '#${id}'`);
    }
    if (!isObject(node)) throw new PyError('TypeError', 'indices must be integers or slices, not str');
    const classType = node.class_type;
    if (Array.isArray(classType) || isObject(classType)) throw new PyError('TypeError', 'unhashable type');
    const info = typeof classType === 'string' ? deps.catalogue.info(classType) : undefined;
    if (!info) {
      return fail('invalid_prompt', `Cannot execute because node ${pyStr(classType)} does not exist.`, `Node ID '#${id}'`);
    }
    if (info.output_node === true && (partialTargets === null || partialTargets === undefined || pyIn(id, partialTargets))) {
      outputs.push(id);
    }
  }
  if (outputs.length === 0) return fail('prompt_no_outputs', 'Prompt has no outputs', '');

  const validated = new Map<string, Verdict>();
  const inProgress = new Set<string>();
  const good: string[] = [];
  const errors: [string, Reason[]][] = [];
  const nodeErrors: JsonObject = {};
  for (const o of outputs) {
    let valid = false;
    let reasons: Reason[] = [];
    try {
      [valid, reasons] = validateInputs(prompt, o, validated, inProgress, deps);
    } catch (e) {
      if (!(e instanceof PyError)) throw e;
      reasons = [{
        type: 'exception_during_validation', message: 'Exception when validating node', details: e.message,
        extra_info: { exception_type: e.pyType, traceback: [TB_VALIDATE_PROMPT, ...framesOf(e)] },
      }];
      validated.set(o, [false, reasons, o]);
    }
    if (valid) {
      good.push(o);
      continue;
    }
    errors.push([o, reasons]);
    // Every failing node seen so far is charged to this output, as the real loop does.
    for (const [nodeId, [ok, rs]] of validated) {
      if (ok || rs.length === 0) continue;
      let entry = nodeErrors[nodeId] as JsonObject | undefined;
      if (!entry) {
        entry = { errors: rs, dependent_outputs: [], class_type: (prompt[nodeId] as JsonObject).class_type ?? null };
        nodeErrors[nodeId] = entry;
      }
      (entry.dependent_outputs as JsonValue[]).push(o);
    }
  }
  if (good.length === 0) {
    const lines = errors.flatMap(([, rs]) => rs.map((r) => `${pyStr(r.message)}: ${pyStr(r.details)}`));
    return {
      ok: false,
      error: { type: 'prompt_outputs_failed_validation', message: 'Prompt outputs failed validation', details: lines.join('\n'), extra_info: {} },
      outputs: [],
      nodeErrors,
    };
  }
  return { ok: true, error: null, outputs: good, nodeErrors };
}

