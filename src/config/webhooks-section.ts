// The webhooks and idempotency sections of gateway.yaml: what a caller asks the gateway to do once per job.
import type { JSONSchemaType } from 'ajv';
import { emptySection, positiveInt } from './schema-blocks.js';

/** Job results POSTed to a caller's URL, signed the Standard Webhooks way (docs/webhooks.md). */
export interface WebhooksConfig {
  /** whsec_<base64>; '' turns webhooks off (a request naming one gets 400). Env WEBHOOK_SECRET. */
  secret: string;
  max_attempts: number;
  initial_delay_ms: number;
  max_delay_ms: number;
  /** Per attempt: connect + answer. */
  timeout_ms: number;
  /** Receivers on loopback/private addresses are refused unless named here (as for images.fetch). */
  allow_hosts: string[];
  allow_cidrs: string[];
}

export const webhooksSchema: JSONSchemaType<WebhooksConfig> = {
  type: 'object',
  additionalProperties: false,
  default: emptySection,
  required: ['secret', 'max_attempts', 'initial_delay_ms', 'max_delay_ms', 'timeout_ms', 'allow_hosts', 'allow_cidrs'],
  properties: {
    // At least 16 bytes of key (24 base64 characters); src/webhooks/sign.ts decodes it.
    secret: { type: 'string', default: '', pattern: '^(|whsec_[A-Za-z0-9+/]{22,}={0,2})$' },
    max_attempts: positiveInt(5, 100),
    initial_delay_ms: positiveInt(1_000),
    max_delay_ms: positiveInt(60_000),
    timeout_ms: positiveInt(10_000),
    allow_hosts: { type: 'array', default: [], items: { type: 'string', minLength: 1 } },
    allow_cidrs: { type: 'array', default: [], items: { type: 'string', minLength: 1 } },
  },
};

/** Idempotency-Key on the submit routes: how long and how many first answers are kept. */
export interface IdempotencyConfig {
  ttl_s: number;
  max_keys: number;
  max_bytes: number;
}

export const idempotencySchema: JSONSchemaType<IdempotencyConfig> = {
  type: 'object',
  additionalProperties: false,
  default: emptySection,
  required: ['ttl_s', 'max_keys', 'max_bytes'],
  properties: {
    ttl_s: positiveInt(86_400, 30 * 86_400),
    max_keys: positiveInt(10_000, 10_000_000),
    // Kept answers never hold inline images (they are re-read on replay), so this is job documents' worth.
    max_bytes: positiveInt(64 * 1024 * 1024, 1024 * 1024 * 1024),
  },
};
