// One checked manifest + its workflow → a CompiledScenario: the request schema (one object, fed to the validator
// and to the OpenAPI document), its compiled validator, the resolved targets and an example body. Runs once per
// change of the manifest or its workflow, never per request.
import type { ErrorObject, Options, ValidateFunction } from 'ajv';
import type { Workflow } from '../comfy/types.js';
import type { JsonSchema } from '../http/json-schema.js';
import { createValidators } from '../http/validation.js';
import { applySet } from './apply-set.js';
import { checkMappings } from './check-mappings.js';
import type { Translate } from '../i18n.js';
import { ajvPredicate } from '../http/validation.js';
import type { LoadedManifest } from './load-manifest.js';
import { FIELD_SCHEMA_KEYS, type Manifest } from './manifest-schema.js';
import type { OutputKind } from '../outputs/classify.js';
import type { ConvertSpec } from '../outputs/convert-options.js';
import { webhookBodyProperty } from '../webhooks/webhook-url.js';
import type { CompiledField, CompiledScenario } from './types.js';
import { describeImageField, multipartSchema } from './image-field-schema.js';

export interface CompileInput {
  file: string;
  name: string;
  loaded: LoadedManifest;
  workflow: Workflow;
  workflowFile: string;
  version: number;
  /** Used when the manifest has no `message`. */
  defaultMessage: string;
  /** The language of the problems reported (zh-CN when absent). */
}

export type CompileResult = { ok: true; scenario: CompiledScenario } | { ok: false; errors: string[] };

export interface ScenarioCompiler {
  compile(input: CompileInput): CompileResult;
  /** Drops a replaced scenario's schema from ajv's cache (requests holding its validator keep working). */
  release(scenario: CompiledScenario): void;
}

export function createScenarioCompiler(t: Translate): ScenarioCompiler {
  // ajv's strict-mode remarks arrive through its logger; route them to the manifest being compiled.
  let remarks: string[] = [];
  const logger: Options['logger'] = {
    log: () => undefined,
    warn: (...args: unknown[]) => void remarks.push(args.map(String).join(' ')),
    error: (...args: unknown[]) => void remarks.push(args.map(String).join(' ')),
  };
  // One validator per scenario, so start-up with many scenarios is mostly ajv compiling: its code optimiser
  // took ~30 % of that (1,000 request schemas: 1.72-1.86 s → 1.22-1.33 s) for no measurable gain when validating
  // (200,000 validations: 3.4-3.9 s either way).
  const ajv = createValidators({ logger, allowUnionTypes: true, code: { optimize: false } }).body;
  // `format: image`: any non-empty text here; src/images/resolve-image-input.ts tells a file name from a data URL,
  // base64 or a URL (and refuses what is none of them) before the prompt is built.
  ajv.addFormat('image', { type: 'string', validate: (value: string) => value.length > 0 });
  // Scenarios written from one pattern often ask for the same body (the same fields, limits and defaults, another
  // workflow): one validator serves every request schema of the same text. Compiling is what start-up with many
  // scenarios spends most on (docs/performance.md). Counted, so that the last scenario released frees it.
  const shared = new Map<string, { validate: ValidateFunction; remarks: string[]; users: number }>();

  return {
    compile(input) {
      remarks = [];
      const { manifest, at } = input.loaded;
      const mapping = checkMappings(manifest, input.workflow, at, t);
      if (mapping.errors.length) return { ok: false, errors: mapping.errors };
      const set = applySet(manifest, input.workflow, mapping.targets, at, t);
      if (set.errors.length) return { ok: false, errors: set.errors };
      const workflow = set.workflow;

      const fields: CompiledField[] = [];
      const properties: Record<string, JsonSchema> = {};
      for (const [name, field] of Object.entries(manifest.fields ?? {})) {
        const picked = pick(field, FIELD_SCHEMA_KEYS);
        const schema = picked.format === 'image' ? describeImageField(picked) : picked;
        properties[name] = schema;
        fields.push({
          name,
          schema,
          required: field.required === true,
          ...('default' in field ? { default: field.default } : {}),
          ...('random_if' in field ? { randomIf: field.random_if } : {}),
          ...(schema.format === 'image' ? { image: true } : {}),
          targets: mapping.targets.get(name) ?? [],
        });
      }
      properties.client_id = {
        type: 'string',
        maxLength: 256,
        description: 'Your own client id: follow this job on the WebSocket /api/v1/ws/{client_id}.',
      };
      properties.webhook = { ...webhookBodyProperty };
      const requestSchema: JsonSchema = {
        type: 'object',
        additionalProperties: false,
        properties,
        ...(fields.some((f) => f.required) ? { required: fields.filter((f) => f.required).map((f) => f.name) } : {}),
        ...(manifest.schema ? { allOf: [manifest.schema] } : {}),
      };

      const formSchema = fields.some((f) => f.image) ? multipartSchema(requestSchema, fields) : undefined;

      const key = JSON.stringify(requestSchema);
      let compiled = shared.get(key);
      if (!compiled) {
        let validate;
        try {
          validate = ajv.compile(requestSchema);
        } catch (error) {
          return { ok: false, errors: [blame(input, properties, error)] };
        }
        // The defaults are part of the schema's text: a schema shared is one whose defaults already passed.
        const errors = checkDefaults(input, fields, validate, t);
        if (errors.length) {
          ajv.removeSchema(requestSchema);
          return { ok: false, errors };
        }
        compiled = { validate, remarks, users: 0 };
        shared.set(key, compiled);
      }
      compiled.users += 1;
      const validate = compiled.validate;
      const example = exampleBody(fields, workflow);
      const warnings = compiled.remarks.map((remark) => `${at(['fields'])}: ${describeRemark(remark, t)}`);
      return {
        ok: true,
        scenario: {
          name: input.name,
          route: `/api/v1/scenarios/${input.name}`,
          summary: manifest.summary ?? input.name,
          description: manifest.description ?? '',
          tags: manifest.tags ?? ['scenarios'],
          requestSchema,
          ...(formSchema ? { formSchema } : {}),
          example,
          message: manifest.message ?? input.defaultMessage,
          customMessage: manifest.message,
          ...(manifest.webhook ? { webhook: manifest.webhook } : {}),
          version: input.version,
          file: input.file,
          workflowFile: input.workflowFile,
          workflow,
          fields,
          fixed: set.fixed,
          draft: manifest.draft === true,
          outputs: mapping.outputs,
          mirror: !Array.isArray(manifest.outputs) && manifest.outputs?.mirror === true,
          ...outputSettings(manifest),
          validate,
          warnings,
        },
      };
    },
    release(scenario) {
      const key = JSON.stringify(scenario.requestSchema);
      const compiled = shared.get(key);
      if (!compiled || (compiled.users -= 1) > 0) return;
      shared.delete(key);
      ajv.removeSchema(compiled.validate.schema as JsonSchema);
    },
  };

  /** The whole schema failed to compile: find the field (or the body-level schema) responsible. */
  function blame(input: CompileInput, properties: Record<string, JsonSchema>, error: unknown): string {
    const { at } = input.loaded;
    for (const [name, schema] of Object.entries(properties)) {
      try {
        // Inside an object, as in the request schema: alone at the root, a field's `default` is itself an error.
        const alone: JsonSchema = { type: 'object', properties: { [name]: schema } };
        ajv.removeSchema(ajv.compile(alone).schema as JsonSchema);
      } catch (fieldError) {
        return `${at(['fields', name])}: ${t('manifest.field_schema_invalid', { name, reason: schemaProblem(schema, fieldError) })}`;
      }
    }
    return `${at(['schema'])}: ${t('manifest.body_schema_invalid', { reason: schemaProblem(input.loaded.manifest.schema ?? {}, error) })}`;
  }

  /** Why a schema does not compile: the meta-schema's complaint (rendered like a request's), else ajv's own. */
  function schemaProblem(schema: JsonSchema, error: unknown): string {
    const text = error instanceof Error ? error.message : String(error);
    const unknown = /^strict mode: unknown keyword: "([^"]+)"/.exec(text);
    if (unknown) return t('manifest.schema_unknown_keyword', { keyword: unknown[1] as string });
    if (MISSING_TYPE.test(text)) return describeRemark(text, t);
    if (ajv.validateSchema(schema) === false && ajv.errors?.[0]) {
      const first = ajv.errors[0];
      const where = first.instancePath.slice(1).replaceAll('/', '.') || 'schema';
      return t('manifest.schema_problem', { path: where, problem: ajvPredicate(first, t) });
    }
    return t('manifest.schema_other', { reason: text.replace(/^schema is invalid: /, '').split('\n')[0] ?? text });
  }
}

/** ajv's strict-mode remark about a field's schema, in the author's language when it is one we know. */
const MISSING_TYPE = /missing type "([^"]+)" for keyword "([^"]+)" at "([^"]+)"/;

function describeRemark(remark: string, t: Translate): string {
  const missingType = MISSING_TYPE.exec(remark);
  if (missingType) return t('manifest.schema_missing_type', { type: missingType[1] as string, keyword: missingType[2] as string, at: missingType[3] as string });
  return t('manifest.schema_remark', { remark });
}

function pick(source: Record<string, unknown>, keys: readonly string[]): JsonSchema {
  const out: JsonSchema = {};
  for (const key of keys) if (key in source) out[key] = source[key];
  return out;
}

/** A default must pass its own field's rules, or every request leaving the field out would fail. */
function checkDefaults(
  input: CompileInput,
  fields: CompiledField[],
  validate: (data: unknown) => boolean,
  t: Translate,
): string[] {
  const withDefault = fields.filter((f) => 'default' in f);
  if (!withDefault.length) return [];
  const body = Object.fromEntries(withDefault.map((f) => [f.name, structuredClone(f.default)]));
  if (validate(body)) return [];
  const errors = (validate as unknown as { errors: ErrorObject[] | null }).errors ?? [];
  const out: string[] = [];
  for (const field of withDefault) {
    const own = errors.find((e) => e.instancePath === `/${field.name}` || e.instancePath.startsWith(`/${field.name}/`));
    if (own) {
      const reason = ajvPredicate(own, t);
      const value = JSON.stringify(field.default);
      out.push(`${input.loaded.at(['fields', field.name, 'default'])}: ${t('manifest.default_refused', { name: field.name, value, reason })}`);
    }
  }
  return out;
}

/** A body that passes: each field's example, else its default, else the value the workflow already holds. */
function exampleBody(fields: readonly CompiledField[], workflow: Workflow): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of fields) {
    const schema = field.schema;
    const examples = schema.examples as unknown[] | undefined;
    const target = field.targets[0];
    const current = target ? workflow[target.node]?.inputs[target.input] : undefined;
    const value =
      schema.example ?? examples?.[0] ?? field.default ?? (schema.enum as unknown[] | undefined)?.[0] ?? current;
    if (value !== undefined) body[field.name] = value;
  }
  return body;
}

/** The mapping form's conversion and kinds, as the compiled scenario carries them (absent when not given). */
function outputSettings(manifest: Manifest): { convert?: ConvertSpec; outputKinds?: OutputKind[]; deliver?: string[] } {
  const outputs = manifest.outputs;
  if (!outputs || Array.isArray(outputs)) return {};
  const settings: { convert?: ConvertSpec; outputKinds?: OutputKind[]; deliver?: string[] } = {};
  if (outputs.deliver?.length) settings.deliver = outputs.deliver;
  if (outputs.format) {
    settings.convert = { format: outputs.format };
    if (outputs.quality !== undefined) settings.convert.quality = outputs.quality;
    if (outputs.max_side !== undefined) settings.convert.max_side = outputs.max_side;
  }
  if (outputs.kinds?.length) settings.outputKinds = outputs.kinds;
  return settings;
}
