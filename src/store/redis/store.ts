// The Redis store: one connection per process, every key under the configured prefix.
import type { Logger } from '../../log.js';
import type { StateStore } from '../types.js';
import { createRedisConnection, type RedisConnection } from './connection.js';
import { redisFailedAuth } from './failed-auth.js';
import { redisAnswers } from './idempotency.js';
import { redisJobs } from './jobs.js';
import { redisNonces } from './nonces.js';
import { redisOutbox } from './outbox.js';
import { redisQueue } from './queue.js';
import { redisRateLimiter } from './rate-limit.js';
import { redisSlots } from './slots.js';

export interface RedisStoreOptions {
  url: string;
  keyPrefix: string;
  commandTimeoutMs: number;
  log: Logger;
}

export interface RedisStore extends StateStore {
  readonly connection: RedisConnection;
}

export function createRedisStore(options: RedisStoreOptions): RedisStore {
  const connection = createRedisConnection({ url: options.url, commandTimeoutMs: options.commandTimeoutMs, log: options.log });
  const prefix = options.keyPrefix;
  return {
    kind: 'redis',
    connection,
    idempotency: (settings) => redisAnswers(connection, prefix, settings),
    nonces: (settings) => redisNonces(connection, prefix, settings),
    rateLimiter: (settings) => redisRateLimiter(connection, prefix, settings),
    failedAuth: (settings) => redisFailedAuth(connection, prefix, settings),
    outbox: () => redisOutbox(connection, prefix),
    jobs: (settings) => redisJobs(connection, prefix, settings, options.log),
    slots: () => redisSlots(connection, prefix, options.log),
    queue: (settings) => redisQueue(connection, prefix, settings),
    close: () => connection.close(),
  };
}
