// gateway.yaml `store` → the state store. A Redis that is down at start does not stop the gateway: it starts,
// answers 503 where it needs Redis, and recovers by itself when Redis returns.
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { createMemoryStore } from './memory.js';
import type { StateStore } from './types.js';

export async function createStoreFromConfig(config: Pick<Config, 'store'>, log: Logger): Promise<StateStore> {
  const settings = config.store;
  if (settings.kind === 'memory') return createMemoryStore();
  // ioredis is imported only by a gateway configured for Redis: a memory-store gateway never loads it.
  const { createRedisStore } = await import('./redis/store.js');
  const store = createRedisStore({
    url: settings.url,
    keyPrefix: settings.key_prefix,
    commandTimeoutMs: settings.command_timeout_ms,
    log,
  });
  if (await store.connection.ready(Math.max(2_000, settings.command_timeout_ms))) {
    log.info({ prefix: settings.key_prefix }, 'shared state in redis');
  }
  return store;
}
