// The shape of gateway.yaml. This one schema fills the defaults, validates the file and the environment, and is
// checked against the Config type by ajv's JSONSchemaType, so the type and the rules cannot drift apart. Each
// section's type and rules live together in src/config/; this file puts them together in the file's order.
import type { JSONSchemaType } from 'ajv';
import { authSchema, type AuthConfig } from './config/auth-section.js';
import { comfyuiSchema, type ComfyuiConfig } from './config/comfyui-section.js';
import { foldersSchema, scenariosSchema, type FoldersConfig, type ScenariosConfig } from './config/folders-section.js';
import { imagesSchema, type ImagesConfig } from './config/images-section.js';
import { jobsSchema, type JobsConfig } from './config/jobs-section.js';
import { limitsSchema, type LimitsConfig } from './config/limits-section.js';
import { logSchema, metricsSchema, type LogConfig, type MetricsConfig } from './config/log-section.js';
import { outputsSchema, type OutputsConfig } from './config/outputs-section.js';
import { serverSchema, type ServerConfig } from './config/server-section.js';
import { storeSchema, type StoreConfig } from './config/store-section.js';
import {
  idempotencySchema,
  webhooksSchema,
  type IdempotencyConfig,
  type WebhooksConfig,
} from './config/webhooks-section.js';
import { websocketSchema, type WebsocketConfig } from './config/websocket-section.js';
import type { Locale } from './i18n.js';

export type { ApiKeyEntry, ApiKeyRole } from './config/auth-section.js';
export type { BackendEntry } from './config/comfyui-section.js';
export type { OutputSinkConfig } from './config/outputs-section.js';

export interface Config {
  server: ServerConfig;
  comfyui: ComfyuiConfig;
  folders: FoldersConfig;
  scenarios: ScenariosConfig;
  limits: LimitsConfig;
  images: ImagesConfig;
  websocket: WebsocketConfig;
  jobs: JobsConfig;
  outputs: OutputsConfig;
  webhooks: WebhooksConfig;
  idempotency: IdempotencyConfig;
  store: StoreConfig;
  auth: AuthConfig;
  locale: Locale;
  log: LogConfig;
  metrics: MetricsConfig;
}

export const configSchema: JSONSchemaType<Config> = {
  type: 'object',
  additionalProperties: false,
  required: ['server', 'comfyui', 'folders', 'scenarios', 'limits', 'images', 'websocket', 'jobs', 'webhooks', 'idempotency', 'store', 'auth', 'locale', 'log', 'metrics'],
  properties: {
    server: serverSchema,
    comfyui: comfyuiSchema,
    folders: foldersSchema,
    scenarios: scenariosSchema,
    limits: limitsSchema,
    images: imagesSchema,
    websocket: websocketSchema,
    jobs: jobsSchema,
    outputs: outputsSchema,
    webhooks: webhooksSchema,
    idempotency: idempotencySchema,
    store: storeSchema,
    auth: authSchema,
    locale: { type: 'string', enum: ['zh-CN', 'en'], default: 'zh-CN' },
    log: logSchema,
    metrics: metricsSchema,
  },
};
