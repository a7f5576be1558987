// The comfyui section of gateway.yaml: the ComfyUI server, or the pool of them, and how they are watched.
import type { JSONSchemaType } from 'ajv';
import { emptySection, positiveInt } from './schema-blocks.js';

/** One entry of comfyui.backends (src/backends/backend-config.ts turns the list into the pool). */
export interface BackendEntry {
  /** Default: host:port of the url. */
  name?: string;
  url: string;
  /** Prompts the gateway keeps inside this ComfyUI at once (running + waiting there). */
  slots: number;
  weight: number;
  labels: string[];
}

const comfyUrlPattern = '^https?://[^\\s/]+(/[^\\s]*)?$';

const backendEntrySchema: JSONSchemaType<BackendEntry> = {
  type: 'object',
  additionalProperties: false,
  required: ['url', 'slots', 'weight', 'labels'],
  properties: {
    // A name appears in log lines, metrics labels and the drain route's path, so no spaces or slashes.
    name: { type: 'string', nullable: true, minLength: 1, maxLength: 64, pattern: '^[^\\s/]+$' },
    url: { type: 'string', pattern: comfyUrlPattern },
    // One running and one waiting inside ComfyUI, so the GPU never idles between two jobs.
    slots: positiveInt(2, 1_000),
    weight: { type: 'number', exclusiveMinimum: 0, maximum: 1_000_000, default: 1 },
    labels: { type: 'array', default: [], items: { type: 'string', minLength: 1, maxLength: 64 } },
  },
};

export interface ComfyuiConfig {
  url: string;
  /** A pool of servers; when non-empty it replaces `url`. Env COMFYUI_URLS. */
  backends: BackendEntry[];
  connect_timeout_ms: number;
  request_timeout_ms: number;
  ws_reconnect_min_ms: number;
  ws_reconnect_max_ms: number;
  /** Every backend's /system_stats and /queue are read this often (src/pool/backend.ts). */
  probe_interval_ms: number;
  /** Failed probes in a row before a backend is taken out of the pool (it comes back by itself). */
  eject_after_failures: number;
  /** An open event stream that answers pings replaces the HTTP probe of its backend. */
  probe_stream: boolean;
  /** How often /system_stats is read while the stream replaces the probe. */
  stats_interval_ms: number;
  /** Offer permessage-deflate on the upstream WebSocket (src/comfy/events.ts says why it is off by default). */
  ws_compression: boolean;
}

export const comfyuiSchema: JSONSchemaType<ComfyuiConfig> = {
  type: 'object',
  additionalProperties: false,
  default: emptySection,
  required: [
    'url',
    'backends',
    'connect_timeout_ms',
    'request_timeout_ms',
    'ws_reconnect_min_ms',
    'ws_reconnect_max_ms',
    'probe_interval_ms',
    'eject_after_failures',
    'probe_stream',
    'stats_interval_ms',
    'ws_compression',
  ],
  properties: {
    url: { type: 'string', pattern: comfyUrlPattern, default: 'http://127.0.0.1:8188' },
    backends: { type: 'array', default: [], maxItems: 1_000, items: backendEntrySchema },
    connect_timeout_ms: positiveInt(3_000),
    request_timeout_ms: positiveInt(30_000),
    ws_reconnect_min_ms: positiveInt(250),
    ws_reconnect_max_ms: positiveInt(10_000),
    probe_interval_ms: positiveInt(2_000),
    eject_after_failures: positiveInt(3, 100),
    probe_stream: { type: 'boolean', default: true },
    stats_interval_ms: positiveInt(30_000),
    ws_compression: { type: 'boolean', default: false },
  },
};
