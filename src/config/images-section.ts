// The images section of gateway.yaml: image URLs, fetching images by URL and the store of input images.
import type { JSONSchemaType } from 'ajv';
import { emptySection, positiveInt } from './schema-blocks.js';

export interface ImagesConfig {
  url_mode: 'gateway' | 'comfyui';
  /** Image inputs given as http(s) URLs, fetched by the gateway (src/images/fetch-remote-image.ts). */
  fetch: {
    enabled: boolean;
    /** Hosts that may be fetched even when they resolve to loopback, private or link-local addresses. */
    allow_hosts: string[];
    /** Address ranges (CIDR) exempt from those rules. */
    allow_cidrs: string[];
    max_bytes: number;
    timeout_ms: number;
    max_redirects: number;
  };
  /** The gateway's store of input images in folders.input (src/images/input-store.ts): its bounds. */
  input_store: {
    max_bytes: number;
    max_files: number;
    /** Images unused this long are removed; 0: never by age. */
    max_age_s: number;
    /** An image used more recently than this is never removed (one uploaded for a job not submitted yet). */
    min_age_s: number;
    sweep_interval_s: number;
  };
}

export const imagesSchema: JSONSchemaType<ImagesConfig> = {
  type: 'object',
  additionalProperties: false,
  default: emptySection,
  required: ['url_mode', 'fetch', 'input_store'],
  properties: {
    url_mode: { type: 'string', enum: ['gateway', 'comfyui'], default: 'gateway' },
    fetch: {
      type: 'object',
      additionalProperties: false,
      default: emptySection,
      required: ['enabled', 'allow_hosts', 'allow_cidrs', 'max_bytes', 'timeout_ms', 'max_redirects'],
      properties: {
        enabled: { type: 'boolean', default: true },
        allow_hosts: { type: 'array', default: [], items: { type: 'string', minLength: 1 } },
        allow_cidrs: { type: 'array', default: [], items: { type: 'string', minLength: 1 } },
        max_bytes: positiveInt(20 * 1024 * 1024),
        timeout_ms: positiveInt(10_000),
        max_redirects: { type: 'integer', minimum: 0, maximum: 20, default: 3 },
      },
    },
    input_store: {
      type: 'object',
      additionalProperties: false,
      default: emptySection,
      required: ['max_bytes', 'max_files', 'max_age_s', 'min_age_s', 'sweep_interval_s'],
      properties: {
        max_bytes: positiveInt(2 * 1024 * 1024 * 1024, Number.MAX_SAFE_INTEGER),
        max_files: positiveInt(100_000, 100_000_000),
        max_age_s: { type: 'integer', minimum: 0, maximum: 10 * 365 * 86_400, default: 7 * 86_400 },
        min_age_s: { type: 'integer', minimum: 1, maximum: 365 * 86_400, default: 3_600 },
        sweep_interval_s: positiveInt(600, 86_400),
      },
    },
  },
};
