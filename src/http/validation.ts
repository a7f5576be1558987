// Validators are compiled once, when a route or scenario is mounted (DESIGN.md rule 3), and their failures are
// turned into one sentence a caller can act on, plus the full list in `details`.
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

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

export function describeErrors(where: Where, errors: ErrorObject[] | null | undefined): ValidationProblem[] {
  return (errors ?? []).map((error) => ({ location: where, path: pathOf(error), message: sentence(error) }));
}

export function summarize(problems: ValidationProblem[]): string {
  const shown = problems.slice(0, 3).map((p) => `${p.location}${p.path ? `.${p.path}` : ''} ${p.message}`);
  const more = problems.length > 3 ? ` (+${problems.length - 3} more)` : '';
  return shown.join('; ') + more;
}

function pathOf(error: ErrorObject): string {
  const base = error.instancePath.slice(1).replaceAll('/', '.');
  if (error.keyword === 'required') return [base, String(error.params.missingProperty)].filter(Boolean).join('.');
  if (error.keyword === 'additionalProperties') {
    return [base, String(error.params.additionalProperty)].filter(Boolean).join('.');
  }
  return base;
}

function sentence(error: ErrorObject): string {
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not a known field';
    case 'enum':
      return `must be one of: ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'type':
      return `must be of type ${String(error.params.type)}`;
    default:
      return error.message ?? 'is invalid';
  }
}

export type { ValidateFunction };
