// Validators are compiled once, when a route or scenario is mounted (never per request), and their failures are
// turned into one sentence a caller can act on, plus the full list in `details`.
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { MessageKey, Translate } from '../i18n.js';

export type Where = 'body' | 'query' | 'params';

export interface Validators {
  /** Bodies keep their JSON types; defaults are filled in. */
  body: Ajv;
  /** Query strings and path parameters arrive as strings: coerce "5" to 5 and "true" to true. */
  strings: Ajv;
}

export function createValidators(extra: Options = {}): Validators {
  const common: Options = { allErrors: true, useDefaults: true, strict: true, ...extra };
  const body = new Ajv(common);
  const strings = new Ajv({ ...common, coerceTypes: 'array' });
  for (const ajv of [body, strings]) {
    addFormats.default(ajv);
    // Our own annotations in schemas (OpenAPI-only keywords) must not trip strict mode.
    ajv.addVocabulary(['example', 'x-origin']);
  }
  return { body, strings };
}

export interface ValidationProblem {
  location: Where;
  path: string;
  message: string;
}

export function describeErrors(where: Where, errors: ErrorObject[] | null | undefined, t: Translate): ValidationProblem[] {
  return (errors ?? []).map((error) => ({ location: where, path: pathOf(error), message: ajvPredicate(error, t) }));
}

export function summarize(problems: ValidationProblem[], t: Translate): string {
  const shown = problems.slice(0, 3).map((p) => `${p.location}${p.path ? `.${p.path}` : ''} ${p.message}`);
  const more = problems.length > 3 ? t('valid.summary_more', { count: problems.length - 3 }) : '';
  return shown.join(t('valid.list_sep')) + more;
}

function pathOf(error: ErrorObject): string {
  const base = error.instancePath.slice(1).replaceAll('/', '.');
  if (error.keyword === 'required') return [base, String(error.params.missingProperty)].filter(Boolean).join('.');
  if (error.keyword === 'additionalProperties') {
    return [base, String(error.params.additionalProperty)].filter(Boolean).join('.');
  }
  return base;
}

/** Names of JSON types in a sentence ("must be an integer"), in the caller's language. */
export function typeNames(type: unknown, t: Translate): string {
  const names = String(type).split(',').map((name) => {
    const key = `type.${name}` as MessageKey;
    return TYPE_KEYS.has(key) ? t(key) : name;
  });
  return names.join(t('type.or'));
}

const TYPE_KEYS = new Set<MessageKey>(['type.string', 'type.number', 'type.integer', 'type.boolean', 'type.array', 'type.object', 'type.null']);

/** One ajv error as the end of a sentence about the value ("<path> must be >= 1"), in the caller's language. */
export function ajvPredicate(error: ErrorObject, t: Translate): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return t('valid.required');
    case 'additionalProperties':
      return t('valid.additional');
    case 'enum':
      return t('valid.enum', { values: (params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ') });
    case 'const':
      return t('valid.const', { value: JSON.stringify(params.allowedValue) });
    case 'type':
      return t('valid.type', { type: typeNames(params.type, t) });
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'multipleOf':
    case 'minLength':
    case 'maxLength':
    case 'minItems':
    case 'maxItems':
    case 'minProperties':
    case 'maxProperties':
      return t(`valid.${error.keyword}`, { limit: String(params.limit ?? params.multipleOf) });
    case 'pattern':
      return t('valid.pattern', { pattern: String(params.pattern) });
    case 'format':
      return t('valid.format', { format: String(params.format) });
    case 'uniqueItems':
      return t('valid.uniqueItems', { i: String(params.i), j: String(params.j) });
    case 'not':
    case 'anyOf':
    case 'oneOf':
      return t(`valid.${error.keyword}`);
    case 'false schema':
      return t('valid.false');
    case 'dependentRequired':
    case 'dependencies':
      return t('valid.dependentRequired', { property: String(params.property), deps: String(params.deps) });
    default:
      return t('valid.other', { keyword: error.keyword });
  }
}

export type { ValidateFunction };
