// The store section of gateway.yaml: where shared state lives.
import type { JSONSchemaType } from 'ajv';
import { emptySection, positiveInt } from './schema-blocks.js';

/** Where shared state lives (src/store): this process's memory, or a Redis several gateways share. */
export interface StoreConfig {
  kind: 'memory' | 'redis';
  /** redis://[user:password@]host:port[/db]; env REDIS_URL sets it and selects redis. */
  url: string;
  /** Prepended to every key, so several gateway deployments can share one Redis. */
  key_prefix: string;
  /** A Redis command answers within this or the request that needs it answers 503. */
  command_timeout_ms: number;
  /** How long a job's shared record stays in Redis after its last change (other processes follow it meanwhile). */
  job_ttl_s: number;
}

export const storeSchema: JSONSchemaType<StoreConfig> = {
  type: 'object',
  additionalProperties: false,
  default: emptySection,
  required: ['kind', 'url', 'key_prefix', 'command_timeout_ms', 'job_ttl_s'],
  properties: {
    kind: { type: 'string', enum: ['memory', 'redis'], default: 'memory' },
    url: { type: 'string', default: 'redis://127.0.0.1:6379', pattern: '^rediss?://[^\\s]+$' },
    key_prefix: { type: 'string', default: 'comfy-gateway:', maxLength: 200 },
    command_timeout_ms: positiveInt(1_000, 60_000),
    job_ttl_s: positiveInt(86_400, 30 * 86_400),
  },
};
