// The manifest format (docs/scenarios.md), as one JSON Schema. ajv checks each manifest against it in strict mode,
// so a misspelt key is caught with its line and a "did you mean" instead of being silently ignored.
import type { JsonSchema } from '../http/json-schema.js';
import { OUTPUT_KINDS, type OutputKind } from '../outputs/classify.js';
import { CONVERT_FORMATS, MAX_SIDE_LIMIT, type ConvertFormat } from '../outputs/convert-options.js';

/** Keys of a field that are ours, not JSON Schema: where the value goes and how it is treated. */
export const FIELD_OWN_KEYS = ['required', 'to', 'random_if', 'overwrite_link'] as const;

/** JSON Schema keywords a field may use (the subset that makes sense for one request property). */
export const FIELD_SCHEMA_KEYS = [
  'type', 'enum', 'const', 'default', 'title', 'description', 'examples', 'example', 'format',
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf',
  'minLength', 'maxLength', 'pattern',
  'items', 'minItems', 'maxItems', 'uniqueItems',
  'properties', 'additionalProperties',
  'oneOf', 'anyOf', 'allOf', 'not',
] as const;

/** The request body always accepts this, as the seed's text2img example does. */
export const RESERVED_FIELDS = ['client_id', 'webhook'] as const;

const nodePath = { type: 'string', pattern: '^.+\\.inputs\\.[^.]+$' };
const outputNode = { type: ['string', 'integer'] };

const field: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['to'],
  properties: {
    ...Object.fromEntries(FIELD_SCHEMA_KEYS.map((key) => [key, true])),
    type: {
      anyOf: [
        { enum: ['string', 'number', 'integer', 'boolean', 'array', 'object', 'null'] },
        { type: 'array', items: { enum: ['string', 'number', 'integer', 'boolean', 'array', 'object', 'null'] } },
      ],
    },
    required: { type: 'boolean' },
    to: { anyOf: [nodePath, { type: 'array', minItems: 1, items: nodePath }] },
    random_if: true,
    overwrite_link: { type: 'boolean' },
  },
};

export const manifestSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['workflow'],
  properties: {
    summary: { type: 'string', maxLength: 200 },
    description: { type: 'string', maxLength: 20_000 },
    tags: { type: 'array', items: { type: 'string', minLength: 1 }, maxItems: 20 },
    workflow: { type: 'string', minLength: 1, pattern: '\\.json$' },
    route: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$' },
    fields: {
      type: 'object',
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$', not: { enum: [...RESERVED_FIELDS] } },
      additionalProperties: field,
    },
    schema: { type: 'object' },
    // A list of result nodes, or `{nodes, mirror}` for a scenario whose results are also copied to the gateway.
    // One schema for both shapes (no anyOf), so a wrong key inside the mapping is reported by its own name.
    outputs: {
      type: ['array', 'object'],
      items: outputNode,
      additionalProperties: false,
      required: ['nodes'],
      properties: {
        nodes: { type: 'array', items: outputNode },
        mirror: { type: 'boolean' },
        // The kinds of output the result holds (docs/outputs.md): they narrow the scenario's documented answer.
        kinds: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: [...OUTPUT_KINDS] } },
        // Image outputs offered converted unless the request asks otherwise (`?format=`).
        format: { type: 'string', enum: [...CONVERT_FORMATS] },
        quality: { type: 'integer', minimum: 1, maximum: 100 },
        max_side: { type: 'integer', minimum: 1, maximum: MAX_SIDE_LIMIT },
        // Sinks (the gateway's outputs.sinks) every job of this scenario delivers to; checked at submit time.
        deliver: {
          type: 'array',
          maxItems: 8,
          uniqueItems: true,
          items: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$' },
        },
      },
    },
    message: { type: 'string', minLength: 1, maxLength: 500 },
    // A scaffold being written (npm run new-scenario): checked and listed, but not served.
    draft: { type: 'boolean' },
    // Fixed values: node path → value, or {value, overwrite_link}; paths and values are checked by apply-set.ts.
    set: {
      type: 'object',
      additionalProperties: {
        anyOf: [
          { type: ['string', 'number', 'boolean'] },
          {
            type: 'object',
            additionalProperties: false,
            required: ['value'],
            properties: { value: { type: ['string', 'number', 'boolean'] }, overwrite_link: { type: 'boolean' } },
          },
        ],
      },
    },
    // The full check (credentials, address policy, a secret configured) runs at submit time, as for a request's.
    webhook: { type: 'string', pattern: '^https?://[^\\s]+$', maxLength: 2048 },
  },
};

export interface ManifestField {
  required?: boolean;
  to: string | string[];
  random_if?: unknown;
  overwrite_link?: boolean;
  default?: unknown;
  [keyword: string]: unknown;
}

/** A result node: its id or its title. */
export type ManifestOutputNode = string | number;

/** The keys of the mapping form of `outputs`. */
export const OUTPUTS_KEYS = ['nodes', 'mirror', 'kinds', 'format', 'quality', 'max_side', 'deliver'] as const;

export interface Manifest {
  summary?: string;
  description?: string;
  tags?: string[];
  workflow: string;
  route?: string;
  fields?: Record<string, ManifestField>;
  schema?: Record<string, unknown>;
  outputs?: ManifestOutputNode[] | ManifestOutputs;
  message?: string;
  webhook?: string;
  set?: Record<string, SetValue>;
  draft?: boolean;
}

/** The mapping form of `outputs`. */
export interface ManifestOutputs {
  nodes: ManifestOutputNode[];
  mirror?: boolean;
  kinds?: OutputKind[];
  format?: ConvertFormat;
  quality?: number;
  max_side?: number;
  deliver?: string[];
}

/** A fixed value of `set:`: the value itself, or the value with permission to cut a connection. */
export type SetValue = string | number | boolean | { value: string | number | boolean; overwrite_link?: boolean };

/** The closest known word, when it is close enough to be the one meant (a typo, not a different idea). */
export function didYouMean(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
