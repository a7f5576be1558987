// validate_inputs from ComfyUI 0.3.64 execution.py: one node's inputs, recursing up through its links.
// Reasons carry the real types, messages and details; coerced constants are written back into the prompt.
// Exceptions that Python raises outside the per-input try propagate as TracedError, with their frames.
import type { Catalogue, InputSpec, NodeInfo } from './catalogue.js';
import {
  PyError, PyFloat, isObject, pyEq, pyFloat, pyIn, pyInt, pyRepr, pyStr, truthy,
  type JsonObject, type JsonValue,
} from './py.js';

export interface ValidationDeps {
  catalogue: Catalogue;
  /** folder_paths.exists_annotated_filepath, used by LoadImage.VALIDATE_INPUTS. */
  annotatedFileExists(name: string): boolean;
}

export type Reason = JsonObject;
export type Verdict = [ok: boolean, reasons: Reason[], id: string];

export const TB_VALIDATE_PROMPT =
  '  File "ComfyUI/execution.py", line 1010, in validate_prompt\n    m = await validate_inputs(prompt_id, prompt, o, validated)\n        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n';
const TB_INNER =
  '  File "ComfyUI/execution.py", line 829, in validate_inputs\n    r = await validate_inputs(prompt_id, prompt, o_id, validated)\n        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n';
const TB_LOOKUP =
  "  File \"ComfyUI/execution.py\", line 788, in validate_inputs\n    o_class_type = prompt[o_id]['class_type']\n                   ~~~~~~^^^^^^\n";
const TB_SLOT = '  File "ComfyUI/execution.py", line 790, in validate_inputs\n    received_type = r[val[1]]\n                    ~^^^^^^^^\n';

/** An exception raised inside validate_inputs, with the frames format_tb would list below the catcher. */
export class TracedError extends PyError {
  constructor(pyType: string, message: string, readonly frames: string[]) {
    super(pyType, message);
  }
}

export function framesOf(e: PyError): string[] {
  return e instanceof TracedError ? e.frames : [];
}

/** comfy_execution.validation.validate_node_input */
function typesCompatible(received: unknown, expected: unknown): boolean {
  if (pyEq(received, expected)) return true;
  if (typeof received !== 'string' || typeof expected !== 'string') return false;
  const a = new Set(received.split(',').map((t) => t.trim()));
  const b = new Set(expected.split(',').map((t) => t.trim()));
  if (a.has('*') || b.has('*')) return true;
  return [...a].some((t) => b.has(t));
}

function lookup(prompt: JsonObject, key: JsonValue): JsonValue {
  if (Array.isArray(key) || isObject(key)) throw new TracedError('TypeError', `unhashable type: '${Array.isArray(key) ? 'list' : 'dict'}'`, [TB_LOOKUP]);
  const k = typeof key === 'string' ? key : undefined;
  if (k === undefined || !Object.prototype.hasOwnProperty.call(prompt, k)) {
    throw new TracedError('KeyError', pyRepr(key), [TB_LOOKUP]);
  }
  return prompt[k] as JsonValue;
}

function slot(types: (string | JsonValue[])[], index: JsonValue): string | JsonValue[] {
  if (typeof index === 'boolean') index = Number(index);
  if (typeof index !== 'number' || !Number.isInteger(index)) {
    const t = index instanceof PyFloat || typeof index === 'number' ? 'float' : index === null ? 'NoneType' : typeof index === 'string' ? 'str' : Array.isArray(index) ? 'list' : 'dict';
    throw new TracedError('TypeError', `tuple indices must be integers or slices, not ${t}`, [TB_SLOT]);
  }
  const i = index < 0 ? types.length + index : index;
  const t = types[i];
  if (t === undefined) throw new TracedError('IndexError', 'tuple index out of range', [TB_SLOT]);
  return t;
}

function inputsOf(info: NodeInfo): [name: string, spec: InputSpec, category: string][] {
  const out: [string, InputSpec, string][] = [];
  for (const category of ['required', 'optional'] as const) {
    for (const [name, spec] of Object.entries(info.input[category] ?? {})) out.push([name, spec, category]);
  }
  return out;
}

function coerce(type: unknown, val: JsonValue): JsonValue {
  if (type === 'INT') return pyInt(val);
  if (type === 'FLOAT') return pyFloat(val);
  if (type === 'STRING') return pyStr(val);
  if (type === 'BOOLEAN') return truthy(val);
  return val;
}

export function validateInputs(
  prompt: JsonObject, id: string, validated: Map<string, Verdict>, inProgress: Set<string>, deps: ValidationDeps,
): Verdict {
  const done = validated.get(id);
  if (done) return done;
  // A dependency cycle makes Python recurse until RecursionError; raise it where the loop closes.
  if (inProgress.has(id)) throw new TracedError('RecursionError', 'maximum recursion depth exceeded', [TB_INNER]);
  inProgress.add(id);
  try {
    const node = prompt[id] as JsonObject;
    if (!pyIn('inputs', node)) throw new TracedError('KeyError', "'inputs'", []);
    const inputs = node.inputs;
    const classType = node.class_type as string;
    const info = deps.catalogue.info(classType) as NodeInfo;
    // Inputs named in VALIDATE_INPUTS skip min/max/combo checks; LoadImage is the only such class here.
    const customValidated = classType === 'LoadImage' ? ['image'] : [];
    const errors: Reason[] = [];
    let valid = true;

    for (const [x, spec, category] of inputsOf(info)) {
      const inputType = spec[0];
      const extra = spec[1] ?? {};
      if (!pyIn(x, inputs)) {
        if (category === 'required') {
          errors.push({ type: 'required_input_missing', message: 'Required input is missing', details: x, extra_info: { input_name: x } });
        }
        continue;
      }
      if (!isObject(inputs)) throw new PyError('TypeError', 'list indices must be integers or slices, not str');
      let val = inputs[x] as JsonValue;
      const inputConfig: JsonValue = [inputType, extra];
      if (Array.isArray(val)) {
        if (val.length !== 2) {
          errors.push({
            type: 'bad_linked_input', message: 'Bad linked input, must be a length-2 list of [node_id, slot_index]', details: x,
            extra_info: { input_name: x, input_config: inputConfig, received_value: val },
          });
          continue;
        }
        const [oId, oSlot] = val as [JsonValue, JsonValue];
        const linked = lookup(prompt, oId) as JsonObject;
        const oInfo = deps.catalogue.info(linked.class_type as string) as NodeInfo;
        const receivedType = slot(oInfo.output, oSlot);
        if (!typesCompatible(receivedType, inputType)) {
          errors.push({
            type: 'return_type_mismatch', message: 'Return type mismatch between linked nodes',
            details: `${x}, received_type(${pyStr(receivedType)}) mismatch input_type(${pyStr(inputType)})`,
            extra_info: { input_name: x, input_config: inputConfig, received_type: receivedType, linked_node: val },
          });
          continue;
        }
        try {
          const r = validateInputs(prompt, oId as string, validated, inProgress, deps);
          if (!r[0]) valid = false;
        } catch (e) {
          if (!(e instanceof PyError)) throw e;
          valid = false;
          validated.set(oId as string, [false, [{
            type: 'exception_during_inner_validation', message: 'Exception when validating inner node', details: e.message,
            extra_info: {
              input_name: x, input_config: inputConfig, exception_message: e.message, exception_type: e.pyType,
              traceback: [TB_INNER, ...framesOf(e)], linked_node: val,
            },
          }], oId as string]);
        }
        continue;
      }
      try {
        if (isObject(val) && '__value__' in val) {
          val = val.__value__ as JsonValue;
          inputs[x] = val;
        }
        val = coerce(inputType, val);
        inputs[x] = val;
      } catch (e) {
        if (!(e instanceof PyError)) throw e;
        errors.push({
          type: 'invalid_input_type', message: `Failed to convert an input value to a ${pyStr(inputType)} value`,
          details: `${x}, ${pyStr(val)}, ${e.message}`,
          extra_info: { input_name: x, input_config: inputConfig, received_value: val, exception_message: e.message },
        });
        continue;
      }
      if (customValidated.includes(x)) continue;
      const asPy = (v: JsonValue | undefined): string => pyStr(inputType === 'FLOAT' && typeof v === 'number' ? new PyFloat(v) : v);
      if ('min' in extra && Number(val) < Number(extra.min)) {
        errors.push({
          type: 'value_smaller_than_min', message: `Value ${pyStr(val)} smaller than min of ${asPy(extra.min)}`, details: x,
          extra_info: { input_name: x, input_config: inputConfig, received_value: val },
        });
        continue;
      }
      if ('max' in extra && Number(val) > Number(extra.max)) {
        errors.push({
          type: 'value_bigger_than_max', message: `Value ${pyStr(val)} bigger than max of ${asPy(extra.max)}`, details: x,
          extra_info: { input_name: x, input_config: inputConfig, received_value: val },
        });
        continue;
      }
      if (Array.isArray(inputType) || inputType === 'COMBO') {
        const options = Array.isArray(inputType) ? inputType : ((extra.options as JsonValue[] | undefined) ?? []);
        if (!options.some((opt) => pyEq(opt, val))) {
          const long = options.length > 20;
          errors.push({
            type: 'value_not_in_list', message: 'Value not in list',
            details: `${x}: '${pyStr(val)}' not in ${long ? `(list of length ${options.length})` : pyStr(options)}`,
            extra_info: { input_name: x, input_config: long ? null : inputConfig, received_value: val },
          });
          continue;
        }
      }
    }

    if (customValidated.length > 0) {
      // LoadImage.VALIDATE_INPUTS(s, image) is called with the constant inputs only.
      const image = isObject(inputs) ? inputs.image : undefined;
      if (image === undefined || Array.isArray(image)) {
        throw new TracedError('TypeError', "LoadImage.VALIDATE_INPUTS() missing 1 required positional argument: 'image'", []);
      }
      if (typeof image !== 'string') {
        throw new TracedError('AttributeError', `'${image === null ? 'NoneType' : typeof image === 'boolean' ? 'bool' : isObject(image) ? 'dict' : Number.isInteger(image) ? 'int' : 'float'}' object has no attribute 'endswith'`, []);
      }
      if (!deps.annotatedFileExists(image)) {
        errors.push({
          type: 'custom_validation_failed', message: 'Custom validation failed for node',
          details: `image - Invalid image file: ${image}`, extra_info: { input_name: 'image' },
        });
      }
    }
    const verdict: Verdict = errors.length > 0 || !valid ? [false, errors, id] : [true, [], id];
    validated.set(id, verdict);
    return verdict;
  } finally {
    inProgress.delete(id);
  }
}
