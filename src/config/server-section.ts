// The server section of gateway.yaml: where the gateway listens and how long it waits for a request.
import type { JSONSchemaType } from 'ajv';
import { emptySection, positiveInt } from './schema-blocks.js';

export interface ServerConfig {
  host: string;
  port: number;
  /** Base URL for links the gateway hands out (download URLs). Empty: derived from each request's Host. */
  public_url: string;
  shutdown_timeout_ms: number;
  /** A connection must send its request headers within this (slowloris), and the whole request within the next. */
  headers_timeout_ms: number;
  request_timeout_ms: number;
}

export const serverSchema: JSONSchemaType<ServerConfig> = {
  type: 'object',
  additionalProperties: false,
  default: emptySection,
  required: ['host', 'port', 'public_url', 'shutdown_timeout_ms', 'headers_timeout_ms', 'request_timeout_ms'],
  properties: {
    host: { type: 'string', minLength: 1, default: '0.0.0.0' },
    port: { type: 'integer', minimum: 0, maximum: 65535, default: 8000 },
    public_url: { type: 'string', default: '', pattern: '^(|https?://[^\\s]+)$' },
    shutdown_timeout_ms: positiveInt(10_000),
    headers_timeout_ms: positiveInt(20_000, 600_000),
    // Receiving the request only (a 20 MiB upload on a slow link); a long ?wait=true answer is not cut by it.
    request_timeout_ms: positiveInt(120_000, 3_600_000),
  },
};
