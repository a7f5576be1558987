// The image stage of POST /api/v1/scenarios/{name}: a multipart body read into fields (text coerced per the
// scenario's schema, file parts staged for image fields), and every `format: image` value resolved to the name
// ComfyUI stored it under, before the prompt is built. Its form reader is the scenario route's body plan for a
// multipart request; the route's stages validate what it returns.
import { rm } from 'node:fs/promises';
import type { Context } from 'koa';
import { fail } from '../errors.js';
import { stateOf } from '../http/envelope.js';
import { readForm, type Release } from '../http/read-form.js';
import { message, type Locale, type MessageKey } from '../i18n.js';
import type { StagedFile } from '../images/accept-upload.js';
import type { ImageInputs } from '../images/resolve-image-input.js';
import type { CompiledField, CompiledScenario } from '../scenarios/types.js';

export interface ScenarioImageOptions {
  images: ImageInputs;
  /** limits.upload_bytes: one file part. */
  maxFileBytes: number;
  /** The JSON body limit of the route also bounds the text fields of a form. */
  maxFieldsBytes: number;
}

export interface ScenarioForm {
  fields: Record<string, unknown>;
  /** Image field → its staged file part. */
  files: Map<string, StagedFile>;
  /** Removes every file the form staged; the route calls it when the request ends, whatever its outcome. */
  release: Release;
}

export interface ScenarioImages {
  /** Parses the form; the staged files must be handed to `resolve` or `discard`. */
  readForm(ctx: Context, scenario: CompiledScenario): Promise<ScenarioForm>;
  /** The values with every image field replaced by ComfyUI's file name. */
  resolve(
    ctx: Context,
    scenario: CompiledScenario,
    values: Record<string, unknown>,
    files?: Map<string, StagedFile>,
  ): Promise<Record<string, unknown>>;
  discard(files: Map<string, StagedFile> | undefined): Promise<void>;
}

/** More file parts than this in one form is not a scenario request. */
const MAX_FILES = 16;

export function scenarioImages(options: ScenarioImageOptions): ScenarioImages {
  async function discard(files: Map<string, StagedFile> | undefined): Promise<void> {
    await Promise.all([...(files?.values() ?? [])].map((file) => rm(file.filepath, { force: true })));
  }

  return {
    async readForm(ctx, scenario) {
      const release = await readForm(ctx, {
        uploadDir: options.images.stagingDir,
        maxFileBytes: options.maxFileBytes,
        maxFiles: MAX_FILES,
        maxFieldsBytes: options.maxFieldsBytes,
      });
      try {
        return { ...formFields(ctx, scenario), release };
      } catch (error) {
        await release();
        throw error;
      }
    },

    async resolve(ctx, scenario, values, files) {
      const locale = localeOf(ctx);
      const out = { ...values };
      try {
        for (const field of scenario.fields) {
          if (!field.image) continue;
          const file = files?.get(field.name);
          const context = { locale, field: field.name };
          if (file) {
            files?.delete(field.name);
            out[field.name] = await options.images.uploadStaged(file, context);
          } else if (typeof out[field.name] === 'string') {
            out[field.name] = await options.images.resolve(out[field.name] as string, context);
          }
        }
      } finally {
        await discard(files);
      }
      return out;
    },
    discard,
  };
}

/** The form's text fields coerced per the scenario, and its file parts matched to image fields (one each). */
function formFields(ctx: Context, scenario: CompiledScenario): Omit<ScenarioForm, 'release'> {
  const files = new Map<string, StagedFile>();
  const imageFields = scenario.fields.filter((f) => f.image).map((f) => f.name);
  for (const [name, entry] of Object.entries(ctx.request.files ?? {})) {
    const parts = Array.isArray(entry) ? entry : [entry];
    // Staged files are removed by the form's release, whatever happens here.
    if (!imageFields.includes(name)) {
      throw fail.badRequest(message('reason.form_unknown_file', { field: name, fields: imageFields.join(', ') || '-' }));
    }
    if (parts.length > 1) throw fail.badRequest(message('reason.form_repeated_file', { field: name }));
    const file = parts[0]!;
    files.set(name, { filepath: file.filepath, originalFilename: file.originalFilename, size: file.size });
  }
  const text = (ctx.request.body ?? {}) as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(text)) {
    // A form sends its empty inputs too (Swagger UI's "Try it out" does): empty means not given.
    if (value === '') continue;
    const field = scenario.fields.find((f) => f.name === name);
    fields[name] = field ? coerce(field, value) : value;
  }
  // The validator sees a placeholder where the file will go, so `required` and the type still apply.
  for (const name of files.keys()) fields[name] = `(file ${name})`;
  return { fields, files };
}

function localeOf(ctx: Context): Locale {
  return stateOf(ctx).locale;
}

/** A form sends text only: turn it into what the field's schema declares (number, boolean, JSON), else leave it. */
function coerce(field: CompiledField, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const declared = field.schema.type;
  const types = (Array.isArray(declared) ? (declared as unknown[]) : [declared]).filter(
    (type): type is string => typeof type === 'string',
  );
  if (!types.length || types.includes('string')) return value;
  const wrong = (type: MessageKey) =>
    fail.badRequest(message('reason.form_value', { field: field.name, value: value.slice(0, 50), type: message(type) }));
  if (types.includes('integer') || types.includes('number')) {
    const number = value.trim() === '' ? Number.NaN : Number(value);
    if (Number.isFinite(number)) return number;
    if (!types.includes('boolean')) throw wrong(types.includes('integer') ? 'form.integer' : 'form.number');
  }
  if (types.includes('boolean')) {
    if (['true', '1', 'yes', 'on'].includes(value.toLowerCase())) return true;
    if (['false', '0', 'no', 'off'].includes(value.toLowerCase())) return false;
    throw wrong('form.boolean');
  }
  if (types.includes('array') || types.includes('object')) {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      throw wrong(types.includes('array') ? 'form.json_array' : 'form.json_object');
    }
  }
  return value;
}
