// The auth section of gateway.yaml: API keys, who may see what, and request signatures.
import type { JSONSchemaType } from 'ajv';
import { emptySection, positiveInt } from './schema-blocks.js';

/** One entry of auth.api_keys: a plain key, or a described key (see docs/security.md). */
export type ApiKeyEntry =
  | string
  | { key?: string; sha256?: string; name?: string; scenarios?: string[]; role?: ApiKeyRole; priority_max?: number };

/** `admin` sees and manages every caller's jobs; `caller` (the default) only its own. */
export type ApiKeyRole = 'admin' | 'caller';

export interface AuthConfig {
  api_keys: ApiKeyEntry[];
  /** '' for none; else a file of keys, resolved against the config file's folder. */
  api_keys_file: string;
  protect_docs: boolean;
  protect_health: boolean;
  signature: {
    enabled: boolean;
    groups: ('workflows' | 'queue' | 'images' | 'scenarios' | 'jobs')[];
    /** PEM text or file paths (resolved against the config file's folder). */
    public_keys: string[];
    tolerance_seconds: number;
    nonce_cache_size: number;
  };
}

const apiKeyObject = {
  type: 'object',
  additionalProperties: false,
  properties: {
    key: { type: 'string', minLength: 1 },
    sha256: { type: 'string', pattern: '^[0-9a-fA-F]{64}$' },
    name: { type: 'string', minLength: 1, maxLength: 128 },
    scenarios: { type: 'array', items: { type: 'string', minLength: 1 } },
    role: { type: 'string', enum: ['admin', 'caller'] },
    priority_max: { type: 'integer', minimum: -1000, maximum: 1000 },
  },
  // "exactly one of key or sha256" is checked when the keys are loaded (src/security/api-keys.ts).
} as const;

// JSONSchemaType cannot express a list of "string or object", hence the one cast.
export const authSchema = {
  type: 'object',
  additionalProperties: false,
  default: emptySection,
  required: ['api_keys', 'api_keys_file', 'protect_docs', 'protect_health', 'signature'],
  properties: {
    api_keys: { type: 'array', default: [], items: { anyOf: [{ type: 'string', minLength: 1 }, apiKeyObject] } },
    api_keys_file: { type: 'string', default: '' },
    protect_docs: { type: 'boolean', default: false },
    protect_health: { type: 'boolean', default: false },
    signature: {
      type: 'object',
      additionalProperties: false,
      default: emptySection,
      required: ['enabled', 'groups', 'public_keys', 'tolerance_seconds', 'nonce_cache_size'],
      properties: {
        enabled: { type: 'boolean', default: false },
        groups: {
          type: 'array',
          default: [],
          uniqueItems: true,
          items: { type: 'string', enum: ['workflows', 'queue', 'images', 'scenarios', 'jobs'] },
        },
        public_keys: { type: 'array', default: [], items: { type: 'string', minLength: 1 } },
        tolerance_seconds: positiveInt(300, 86_400),
        nonce_cache_size: positiveInt(100_000, 10_000_000),
      },
    },
  },
} as unknown as JSONSchemaType<AuthConfig>;
