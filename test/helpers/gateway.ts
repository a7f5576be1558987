// Starts the real gateway on a free port with temporary folders, as production would (through startGateway).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type DeepPartial, type Config } from '../../src/config.js';
import { startGateway, type Gateway, type StartOptions } from '../../src/server.js';
import { dropKeys, randomPrefix, testRedisUrl } from './redis.js';

export interface TestGateway extends Gateway {
  config: Config;
  dir: string;
  /** fetch() against the gateway, parsing the envelope. */
  call(method: string, urlPath: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
}

export interface Answer {
  status: number;
  headers: Headers;
  json: { code: number; message: string; data: unknown; details?: Record<string, unknown> } & Record<string, unknown>;
}

export async function startTestGateway(overrides: DeepPartial<Config> = {}, options: StartOptions = {}): Promise<TestGateway> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gateway-test-'));
  // TEST_STORE=redis runs any integration test against the Redis store (TEST_REDIS_URL), under a prefix of its own.
  const prefix = randomPrefix();
  const store = process.env.TEST_STORE === 'redis' ? { store: { kind: 'redis' as const, url: testRedisUrl, key_prefix: prefix } } : {};
  const config = loadConfig({
    cwd: dir,
    env: {},
    overrides: [
      {
        server: { host: '127.0.0.1', port: 0 },
        folders: { scenarios: 'scenarios', templates: 'templates', input: 'input', output: 'output' },
        scenarios: { watch: false },
        log: { level: 'silent' as const },
        ...store,
      },
      overrides,
    ],
  });
  const gateway = await startGateway(config, options);
  const stopGateway = gateway.close.bind(gateway);
  return Object.assign(gateway, {
    config,
    dir,
    async call(method: string, urlPath: string, body?: unknown, headers: Record<string, string> = {}) {
      // Headers are case-insensitive: a Headers object merges "Content-Type" and "content-type" into one.
      const sent = new Headers(headers);
      const init: RequestInit = { method, headers: sent };
      if (body !== undefined) {
        init.body = typeof body === 'string' ? body : JSON.stringify(body);
        if (!sent.has('content-type')) sent.set('content-type', 'application/json');
      }
      const response = await fetch(gateway.url + urlPath, init);
      const text = await response.text();
      return { status: response.status, headers: response.headers, json: JSON.parse(text) as Answer['json'] };
    },
    async close() {
      await stopGateway();
      await rm(dir, { recursive: true, force: true });
      if (config.store.kind === 'redis' && config.store.key_prefix === prefix) await dropKeys(prefix, config.store.url);
    },
  });
}

