// The shape of gateway.yaml. This one schema fills the defaults, validates the file and the environment, and is
// checked against the Config type by ajv's JSONSchemaType, so the type and the rules cannot drift apart.
import type { JSONSchemaType } from 'ajv';
import type { Locale } from './i18n.js';

/** One entry of auth.api_keys: a plain key, or a described key (see docs/security.md). */
export type ApiKeyEntry =
  | string
  | { key?: string; sha256?: string; name?: string; scenarios?: string[]; role?: ApiKeyRole; priority_max?: number };

/** `admin` sees and manages every caller's jobs; `caller` (the default) only its own. */
export type ApiKeyRole = 'admin' | 'caller';

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

export interface Config {
  server: {
    host: string;
    port: number;
    /** Base URL for links the gateway hands out (download URLs). Empty: derived from each request's Host. */
    public_url: string;
    shutdown_timeout_ms: number;
    /** A connection must send its request headers within this (slowloris), and the whole request within the next. */
    headers_timeout_ms: number;
    request_timeout_ms: number;
  };
  comfyui: {
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
  };
  folders: { scenarios: string; templates: string; input: string; output: string };
  scenarios: { watch: boolean; debounce_ms: number };
  limits: {
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
  };
  images: {
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
  };
  websocket: {
    max_message_bytes: number;
    max_sockets_per_client: number;
    /** Open gateway WebSockets in all, and per API key (per client address when there are no keys). */
    max_sockets: number;
    max_sockets_per_key: number;
    heartbeat_ms: number;
  };
  jobs: {
    /** `?wait=true`: the longest a caller may wait, and the wait without `timeout`, in seconds. */
    wait_timeout_max_s: number;
    wait_timeout_default_s: number;
    /** The watchdog polls ComfyUI for open jobs when its event stream is down or this long silent. */
    watchdog_silence_ms: number;
    poll_interval_ms: number;
    /** Copy finished results to output/<prompt_id>/. */
    mirror_outputs: boolean;
    /** `?output=base64`: the most image bytes one answer carries; more stay URLs. */
    base64_max_bytes: number;
    /** Sends of one job (its first included) when the backend running it dies; then it fails. */
    max_attempts: number;
    /** A job waiting in the gateway's queue while no backend is up fails after this long. */
    queue_timeout_s: number;
    /** The priority of a job whose request and manifest name none. */
    default_priority: number;
  };
  /** Job outputs: conversion and delivery (docs/outputs.md). */
  outputs: {
    /** Image conversions (`?format=`) running at once; more wait their turn. */
    convert_concurrency: number;
    /** The gateway's copies (output/<prompt_id>/) expire after this many hours; 0 keeps them. */
    retention_h: number;
    /** The oldest copies go while output/ holds more than this; 0: no cap. */
    max_bytes: number;
    sweep_interval_s: number;
    /** `?put_url=`: PUT each output to a URL the caller gives (their own presigned upload URL). */
    put: {
      enabled: boolean;
      /** Loopback/private receivers are refused unless named here (as for images.fetch and webhooks). */
      allow_hosts: string[];
      allow_cidrs: string[];
      timeout_ms: number;
    };
    /** Named places outputs can be delivered to (`?deliver=name`, a manifest's `outputs.deliver`). */
    sinks: Record<string, OutputSinkConfig>;
    delivery: {
      max_attempts: number;
      initial_delay_ms: number;
      max_delay_ms: number;
      /** Uploads running at once (each holds at most queue_size × part_size_mb in memory). */
      concurrency: number;
      part_size_mb: number;
      queue_size: number;
    };
  };
  /** Job results POSTed to a caller's URL, signed the Standard Webhooks way (docs/webhooks.md). */
  webhooks: {
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
  };
  /** Idempotency-Key on the submit routes: how long and how many first answers are kept. */
  idempotency: { ttl_s: number; max_keys: number; max_bytes: number };
  /** Where shared state lives (src/store): this process's memory, or a Redis several gateways share. */
  store: {
    kind: 'memory' | 'redis';
    /** redis://[user:password@]host:port[/db]; env REDIS_URL sets it and selects redis. */
    url: string;
    /** Prepended to every key, so several gateway deployments can share one Redis. */
    key_prefix: string;
    /** A Redis command answers within this or the request that needs it answers 503. */
    command_timeout_ms: number;
    /** How long a job's shared record stays in Redis after its last change (other processes follow it meanwhile). */
    job_ttl_s: number;
  };
  auth: {
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
  };
  locale: Locale;
  log: {
    level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
    pretty: boolean;
    /** One info line per request (method, route, status, ms); false keeps them out of the log. */
    access: boolean;
  };
  /** GET /metrics and the counting behind it. */
  metrics: { enabled: boolean };
}

// A missing section is filled in as {} and then its own defaults apply (ajv's useDefaults walks into it).
// The cast only tells JSONSchemaType that {} is acceptable before the inner defaults land.
const emptySection = {} as never;

/** An S3-compatible bucket outputs are uploaded to. Credentials are named, never written here: env variables. */
export interface OutputSinkConfig {
  kind: 's3';
  /** '' for AWS itself; else the S3-compatible server's URL (MinIO, R2, Ceph...). */
  endpoint: string;
  region: string;
  bucket: string;
  /** Put before `<prompt_id>/<subfolder>/<filename>` in each key. */
  prefix: string;
  /** The names of the environment variables holding the keys ('' = the SDK's own default chain). */
  access_key_id_env: string;
  secret_access_key_env: string;
  /** Path-style URLs (`endpoint/bucket/key`), which most S3-compatible servers need. */
  force_path_style: boolean;
  /** > 0: the job lists a presigned GET URL for each object, valid this long. */
  presign_expires_s: number;
}

const positiveInt = (defaultValue: number, maximum = 2 ** 31) =>
  ({ type: 'integer', minimum: 1, maximum, default: defaultValue }) as const;

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

// JSONSchemaType cannot express a list of "string or object", hence the one cast.
const authSchema = {
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
} as unknown as JSONSchemaType<Config['auth']>;

export const configSchema: JSONSchemaType<Config> = {
  type: 'object',
  additionalProperties: false,
  required: ['server', 'comfyui', 'folders', 'scenarios', 'limits', 'images', 'websocket', 'jobs', 'webhooks', 'idempotency', 'store', 'auth', 'locale', 'log', 'metrics'],
  properties: {
    server: {
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
    },
    comfyui: {
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
    },
    images: {
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
    },
    websocket: {
      type: 'object',
      additionalProperties: false,
      default: emptySection,
      required: ['max_message_bytes', 'max_sockets_per_client', 'max_sockets', 'max_sockets_per_key', 'heartbeat_ms'],
      properties: {
        max_message_bytes: positiveInt(1024 * 1024),
        max_sockets_per_client: positiveInt(16, 10_000),
        max_sockets: positiveInt(2_000, 1_000_000),
        max_sockets_per_key: positiveInt(200, 1_000_000),
        heartbeat_ms: positiveInt(30_000),
      },
    },
    jobs: {
      type: 'object',
      additionalProperties: false,
      default: emptySection,
      required: [
        'wait_timeout_max_s',
        'wait_timeout_default_s',
        'watchdog_silence_ms',
        'poll_interval_ms',
        'mirror_outputs',
        'base64_max_bytes',
        'max_attempts',
        'queue_timeout_s',
        'default_priority',
      ],
      properties: {
        wait_timeout_max_s: positiveInt(300, 86_400),
        wait_timeout_default_s: positiveInt(60, 86_400),
        watchdog_silence_ms: positiveInt(15_000),
        poll_interval_ms: positiveInt(2_000),
        mirror_outputs: { type: 'boolean', default: false },
        base64_max_bytes: positiveInt(32 * 1024 * 1024),
        max_attempts: positiveInt(2, 100),
        queue_timeout_s: positiveInt(600, 86_400),
        default_priority: { type: 'integer', minimum: -1000, maximum: 1000, default: 0 },
      },
    },
    outputs: {
      type: 'object',
      additionalProperties: false,
      default: emptySection,
      required: ['convert_concurrency', 'retention_h', 'max_bytes', 'sweep_interval_s', 'put', 'sinks', 'delivery'],
      properties: {
        convert_concurrency: positiveInt(2, 64),
        retention_h: { type: 'number', minimum: 0, default: 0 },
        max_bytes: { type: 'integer', minimum: 0, default: 0 },
        sweep_interval_s: positiveInt(600, 86_400),
        put: {
          type: 'object',
          additionalProperties: false,
          default: emptySection,
          required: ['enabled', 'allow_hosts', 'allow_cidrs', 'timeout_ms'],
          properties: {
            enabled: { type: 'boolean', default: false },
            allow_hosts: { type: 'array', default: [], items: { type: 'string', minLength: 1 } },
            allow_cidrs: { type: 'array', default: [], items: { type: 'string', minLength: 1 } },
            timeout_ms: positiveInt(60_000),
          },
        },
        sinks: {
          type: 'object',
          default: {},
          required: [],
          // `put_url` names the deliveries to a caller's URL in a job document.
          propertyNames: { pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$', not: { const: 'put_url' } },
          additionalProperties: {
            type: 'object',
            additionalProperties: false,
            // Every key but kind and bucket has a default, which fills it in before this is checked.
            required: [
              'kind', 'endpoint', 'region', 'bucket', 'prefix', 'access_key_id_env', 'secret_access_key_env',
              'force_path_style', 'presign_expires_s',
            ],
            properties: {
              kind: { type: 'string', enum: ['s3'] },
              endpoint: { type: 'string', default: '', pattern: '^(|https?://[^\\s]+)$' },
              region: { type: 'string', default: 'us-east-1', minLength: 1 },
              bucket: { type: 'string', minLength: 1, maxLength: 255 },
              prefix: { type: 'string', default: '', maxLength: 512 },
              access_key_id_env: { type: 'string', default: '', pattern: '^(|[A-Za-z_][A-Za-z0-9_]*)$' },
              secret_access_key_env: { type: 'string', default: '', pattern: '^(|[A-Za-z_][A-Za-z0-9_]*)$' },
              force_path_style: { type: 'boolean', default: true },
              presign_expires_s: { type: 'integer', minimum: 0, maximum: 604_800, default: 0 },
            },
          },
        },
        delivery: {
          type: 'object',
          additionalProperties: false,
          default: emptySection,
          required: ['max_attempts', 'initial_delay_ms', 'max_delay_ms', 'concurrency', 'part_size_mb', 'queue_size'],
          properties: {
            max_attempts: positiveInt(5, 100),
            initial_delay_ms: positiveInt(1_000),
            max_delay_ms: positiveInt(60_000),
            concurrency: positiveInt(2, 64),
            // S3 refuses parts under 5 MiB (except the last).
            part_size_mb: { type: 'integer', minimum: 5, maximum: 512, default: 5 },
            queue_size: positiveInt(2, 16),
          },
        },
      },
    },
    webhooks: {
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
    },
    idempotency: {
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
    },
    store: {
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
    },
    auth: authSchema,
    locale: { type: 'string', enum: ['zh-CN', 'en'], default: 'zh-CN' },
    log: {
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
    },
    metrics: {
      type: 'object',
      additionalProperties: false,
      default: emptySection,
      required: ['enabled'],
      properties: { enabled: { type: 'boolean', default: true } },
    },
  },
};
