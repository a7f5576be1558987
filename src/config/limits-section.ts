// The limits section of gateway.yaml: body sizes, workflow sizes and request rates.
import type { JSONSchemaType } from 'ajv';
import { emptySection, positiveInt } from './schema-blocks.js';

export interface LimitsConfig {
  json_body_bytes: number;
  /** JSON bodies of the routes that take images inline (scenarios, workflow submit): base64 is big. */
  image_body_bytes: number;
  upload_bytes: number;
  image_pixels: number;
  workflow_nodes: number;
  workflow_depth: number;
  /** Requests per second per API key (per client IP when there are no keys); 0: no limit. */
  requests_per_second: number;
  /** Requests a caller may make at once before the rate applies; 0: the rate rounded up. */
  burst: number;
  /** Wrong API keys one client address may present per window before it gets 429; 0: no limit. */
  failed_auth_attempts: number;
  failed_auth_window_s: number;
}

export const limitsSchema: JSONSchemaType<LimitsConfig> = {
  type: 'object',
  additionalProperties: false,
  default: emptySection,
  required: [
    'json_body_bytes',
    'image_body_bytes',
    'upload_bytes',
    'image_pixels',
    'workflow_nodes',
    'workflow_depth',
    'requests_per_second',
    'burst',
    'failed_auth_attempts',
    'failed_auth_window_s',
  ],
  properties: {
    json_body_bytes: positiveInt(1024 * 1024),
    // 20 MiB of image as base64 (4/3) plus room for the other fields.
    image_body_bytes: positiveInt(28 * 1024 * 1024),
    upload_bytes: positiveInt(20 * 1024 * 1024),
    image_pixels: positiveInt(64 * 1024 * 1024),
    workflow_nodes: positiveInt(2_000),
    workflow_depth: positiveInt(32, 1_000),
    requests_per_second: { type: 'number', minimum: 0, maximum: 1_000_000, default: 0 },
    burst: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
    failed_auth_attempts: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 10 },
    failed_auth_window_s: positiveInt(60, 86_400),
  },
};
