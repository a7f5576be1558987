// The shape of gateway.yaml. This one schema fills the defaults, validates the file and the environment, and is
// checked against the Config type by ajv's JSONSchemaType, so the type and the rules cannot drift apart.
import type { JSONSchemaType } from 'ajv';
import type { Locale } from './i18n.js';

export interface Config {
  server: {
    host: string;
    port: number;
    /** Base URL for links the gateway hands out (download URLs). Empty: derived from each request's Host. */
    public_url: string;
    shutdown_timeout_ms: number;
  };
  comfyui: {
    url: string;
    connect_timeout_ms: number;
    request_timeout_ms: number;
    ws_reconnect_min_ms: number;
    ws_reconnect_max_ms: number;
  };
  folders: { scenarios: string; templates: string; input: string; output: string };
  scenarios: { watch: boolean; debounce_ms: number };
  limits: {
    json_body_bytes: number;
    upload_bytes: number;
    image_pixels: number;
    workflow_nodes: number;
    workflow_depth: number;
  };
  images: { url_mode: 'gateway' | 'comfyui' };
  websocket: { max_message_bytes: number; max_sockets_per_client: number; heartbeat_ms: number };
  locale: Locale;
  log: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'; pretty: boolean };
}

// A missing section is filled in as {} and then its own defaults apply (ajv's useDefaults walks into it).
// The cast only tells JSONSchemaType that {} is acceptable before the inner defaults land.
const emptySection = {} as never;

const positiveInt = (defaultValue: number, maximum = 2 ** 31) =>
  ({ type: 'integer', minimum: 1, maximum, default: defaultValue }) as const;

export const configSchema: JSONSchemaType<Config> = {
  type: 'object',
  additionalProperties: false,
  required: ['server', 'comfyui', 'folders', 'scenarios', 'limits', 'images', 'websocket', 'locale', 'log'],
  properties: {
    server: {
      type: 'object',
      additionalProperties: false,
      default: emptySection,
      required: ['host', 'port', 'public_url', 'shutdown_timeout_ms'],
      properties: {
        host: { type: 'string', minLength: 1, default: '0.0.0.0' },
        port: { type: 'integer', minimum: 0, maximum: 65535, default: 8000 },
        public_url: { type: 'string', default: '', pattern: '^(|https?://[^\\s]+)$' },
        shutdown_timeout_ms: positiveInt(10_000),
      },
    },
    comfyui: {
      type: 'object',
      additionalProperties: false,
      default: emptySection,
      required: ['url', 'connect_timeout_ms', 'request_timeout_ms', 'ws_reconnect_min_ms', 'ws_reconnect_max_ms'],
      properties: {
        url: { type: 'string', pattern: '^https?://[^\\s/]+(/[^\\s]*)?$', default: 'http://127.0.0.1:8188' },
        connect_timeout_ms: positiveInt(3_000),
        request_timeout_ms: positiveInt(30_000),
        ws_reconnect_min_ms: positiveInt(250),
        ws_reconnect_max_ms: positiveInt(10_000),
      },
    },
    folders: {
      type: 'object',
      additionalProperties: false,
      default: emptySection,
      required: ['scenarios', 'templates', 'input', 'output'],
      properties: {
        scenarios: { type: 'string', minLength: 1, default: 'scenarios' },
        templates: { type: 'string', minLength: 1, default: 'templates' },
        input: { type: 'string', minLength: 1, default: 'input' },
        output: { type: 'string', minLength: 1, default: 'output' },
      },
    },
    scenarios: {
      type: 'object',
      additionalProperties: false,
      default: emptySection,
      required: ['watch', 'debounce_ms'],
      properties: {
        watch: { type: 'boolean', default: true },
        debounce_ms: { type: 'integer', minimum: 0, maximum: 10_000, default: 50 },
      },
    },
    limits: {
      type: 'object',
      additionalProperties: false,
      default: emptySection,
      required: ['json_body_bytes', 'upload_bytes', 'image_pixels', 'workflow_nodes', 'workflow_depth'],
      properties: {
        json_body_bytes: positiveInt(1024 * 1024),
        upload_bytes: positiveInt(20 * 1024 * 1024),
        image_pixels: positiveInt(64 * 1024 * 1024),
        workflow_nodes: positiveInt(2_000),
        workflow_depth: positiveInt(32, 1_000),
      },
    },
    images: {
      type: 'object',
      additionalProperties: false,
      default: emptySection,
      required: ['url_mode'],
      properties: { url_mode: { type: 'string', enum: ['gateway', 'comfyui'], default: 'gateway' } },
    },
    websocket: {
      type: 'object',
      additionalProperties: false,
      default: emptySection,
      required: ['max_message_bytes', 'max_sockets_per_client', 'heartbeat_ms'],
      properties: {
        max_message_bytes: positiveInt(1024 * 1024),
        max_sockets_per_client: positiveInt(16, 10_000),
        heartbeat_ms: positiveInt(30_000),
      },
    },
    locale: { type: 'string', enum: ['zh-CN', 'en'], default: 'zh-CN' },
    log: {
      type: 'object',
      additionalProperties: false,
      default: emptySection,
      required: ['level', 'pretty'],
      properties: {
        level: {
          type: 'string',
          enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
          default: 'info',
        },
        pretty: { type: 'boolean', default: false },
      },
    },
  },
};
