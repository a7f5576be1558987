// gateway.yaml + .env + environment → one frozen, validated Config. A wrong value stops start-up with one line
// that names the key, the value and where it came from, so whoever deploys can fix it without reading code.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { configSchema, type Config } from './config-schema.js';

export type { Config } from './config-schema.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface LoadConfigOptions {
  /** Folder that relative paths (the config file, .env, folders) are resolved against. */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Overrides applied last, in order (tests, the demo, benchmarks). Same shape as gateway.yaml. */
  overrides?: DeepPartial<Config> | readonly DeepPartial<Config>[];
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

type Raw = Record<string, unknown>;

/** Environment names (the README's Configuration table). Each maps to one key of gateway.yaml. */
const envKeys: Record<string, string> = {
  COMFYUI_URL: 'comfyui.url',
  HOST: 'server.host',
  PORT: 'server.port',
  PUBLIC_URL: 'server.public_url',
  SCENARIOS_DIR: 'folders.scenarios',
  TEMPLATES_DIR: 'folders.templates',
  INPUT_DIR: 'folders.input',
  OUTPUT_DIR: 'folders.output',
  GATEWAY_LOCALE: 'locale',
  LOG_LEVEL: 'log.level',
  API_KEYS_FILE: 'auth.api_keys_file',
  RATE_LIMIT_PER_SECOND: 'limits.requests_per_second',
  RATE_LIMIT_BURST: 'limits.burst',
  WEBHOOK_SECRET: 'webhooks.secret',
};

const ajv = new Ajv({ useDefaults: true, coerceTypes: true, allErrors: false, strict: true });
const validate = ajv.compile(configSchema);

/** The configuration file loadConfig reads: GATEWAY_CONFIG, else gateway.yaml, against `cwd`. */
export function configFilePath(options: Pick<LoadConfigOptions, 'cwd' | 'env'> = {}): string {
  return path.resolve(options.cwd ?? process.cwd(), (options.env ?? process.env).GATEWAY_CONFIG ?? 'gateway.yaml');
}

export function loadConfig(options: LoadConfigOptions = {}): Config {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const envFile = path.resolve(cwd, '.env');
  if (options.env === undefined && existsSync(envFile)) process.loadEnvFile(envFile);

  const file = path.resolve(cwd, env.GATEWAY_CONFIG ?? 'gateway.yaml');
  const raw = readConfigFile(file, env.GATEWAY_CONFIG !== undefined);
  const sources = new Map<string, string>();
  applyEnvironment(raw, env, sources);
  for (const layer of [options.overrides ?? []].flat()) merge(raw, layer as Raw);

  if (!validate(raw)) {
    const error = validate.errors?.[0];
    const key = (error?.instancePath ?? '').slice(1).replaceAll('/', '.');
    const fullKey = error?.keyword === 'additionalProperties'
      ? [key, String(error.params.additionalProperty)].filter(Boolean).join('.')
      : key;
    const value = fullKey ? JSON.stringify(get(raw, fullKey)) : '';
    const source = sources.get(fullKey) ?? path.relative(cwd, file) ?? file;
    const what = error?.keyword === 'additionalProperties' ? 'is not a known setting' : error?.message;
    throw new ConfigError(`config: ${fullKey || '(root)'} = ${value} ${what} (in ${source})`);
  }

  const config = raw as unknown as Config;
  const base = path.dirname(file);
  for (const name of ['scenarios', 'templates', 'input', 'output'] as const) {
    config.folders[name] = path.resolve(base, config.folders[name]);
  }
  config.comfyui.url = config.comfyui.url.replace(/\/+$/, '');
  for (const backend of config.comfyui.backends) backend.url = backend.url.replace(/\/+$/, '');
  if (config.auth.api_keys_file) config.auth.api_keys_file = path.resolve(base, config.auth.api_keys_file);
  // An entry of public_keys is PEM text or the path of a PEM file; only paths are resolved.
  config.auth.signature.public_keys = config.auth.signature.public_keys.map((entry) =>
    entry.includes('-----BEGIN') ? entry : path.resolve(base, entry),
  );
  return deepFreeze(config);
}

function readConfigFile(file: string, required: boolean): Raw {
  if (!existsSync(file)) {
    if (required) throw new ConfigError(`config: GATEWAY_CONFIG names ${file}, which does not exist`);
    return {};
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, 'utf8'), { maxAliasCount: 100 });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ConfigError(`config: ${file} is not valid YAML: ${reason}`);
  }
  if (parsed == null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`config: ${file} must hold a mapping of settings (key: value), not a ${typeof parsed}`);
  }
  return parsed as Raw;
}

function applyEnvironment(raw: Raw, env: NodeJS.ProcessEnv, sources: Map<string, string>): void {
  for (const [name, key] of Object.entries(envKeys)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    set(raw, key, value);
    sources.set(key, `environment variable ${name}`);
  }
  // The seed's COMFYUI_HOST/COMFYUI_PORT build the URL unless COMFYUI_URL says it whole.
  if (!env.COMFYUI_URL && (env.COMFYUI_HOST || env.COMFYUI_PORT)) {
    const current = new URL(String(get(raw, 'comfyui.url') ?? 'http://127.0.0.1:8188'));
    if (env.COMFYUI_HOST) current.hostname = env.COMFYUI_HOST;
    if (env.COMFYUI_PORT) current.port = env.COMFYUI_PORT;
    set(raw, 'comfyui.url', current.origin);
    sources.set('comfyui.url', 'environment variables COMFYUI_HOST/COMFYUI_PORT');
  }
  // COMFYUI_URLS is a list too; as a list it replaces the single URL (src/backends/backend-config.ts).
  if (env.COMFYUI_URLS !== undefined && env.COMFYUI_URLS.trim() !== '') {
    const urls = env.COMFYUI_URLS.split(',').map((url) => url.trim()).filter(Boolean);
    set(raw, 'comfyui.backends', urls.map((url) => ({ url })));
    sources.set('comfyui.backends', 'environment variable COMFYUI_URLS');
    urls.forEach((_, i) => sources.set(`comfyui.backends.${i}.url`, 'environment variable COMFYUI_URLS'));
  }
  // API_KEYS is a list (comma-separated), which the one-key-one-value table above cannot say.
  if (env.API_KEYS !== undefined && env.API_KEYS.trim() !== '') {
    set(raw, 'auth.api_keys', env.API_KEYS.split(',').map((key) => key.trim()).filter(Boolean));
    sources.set('auth.api_keys', 'environment variable API_KEYS');
  }
  if (env.DEBUG !== undefined && /^(1|true|yes|on)$/i.test(env.DEBUG)) {
    set(raw, 'log.level', 'debug');
    set(raw, 'log.pretty', true);
    sources.set('log.level', 'environment variable DEBUG');
  }
}

function get(raw: Raw, key: string): unknown {
  let node: unknown = raw;
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Raw)[part];
  }
  return node;
}

function set(raw: Raw, key: string, value: unknown): void {
  const parts = key.split('.');
  let node = raw;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[part] = {};
    node = node[part] as Raw;
  }
  node[parts.at(-1) as string] = value;
}

function merge(target: Raw, source: Raw): void {
  for (const [key, value] of Object.entries(source)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      if (target[key] === null || typeof target[key] !== 'object') target[key] = {};
      merge(target[key] as Raw, value as Raw);
    } else if (value !== undefined) {
      target[key] = value;
    }
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
