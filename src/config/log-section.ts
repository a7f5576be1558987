// The log and metrics sections of gateway.yaml.
import type { JSONSchemaType } from 'ajv';
import { emptySection } from './schema-blocks.js';

export interface LogConfig {
  level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  pretty: boolean;
  /** One info line per request (method, route, status, ms); false keeps them out of the log. */
  access: boolean;
}

export const logSchema: JSONSchemaType<LogConfig> = {
  type: 'object',
  additionalProperties: false,
  default: emptySection,
  required: ['level', 'pretty', 'access'],
  properties: {
    level: {
      type: 'string',
      enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      default: 'info',
    },
    pretty: { type: 'boolean', default: false },
    access: { type: 'boolean', default: true },
  },
};

/** GET /metrics and the counting behind it. */
export interface MetricsConfig {
  enabled: boolean;
}

export const metricsSchema: JSONSchemaType<MetricsConfig> = {
  type: 'object',
  additionalProperties: false,
  default: emptySection,
  required: ['enabled'],
  properties: { enabled: { type: 'boolean', default: true } },
};
