// One ioredis connection per gateway process, set up to fail fast: no offline queue (a command while Redis is away
// is refused at once instead of waiting for a reconnect), a command timeout (a Redis that stopped answering costs a
// request at most that long), and reconnection in the background forever. Every command goes through `run`,
// which turns any fault into the catalogued 503, and logs an outage once when it begins and once when it ends.
import { Redis } from 'ioredis';
import { fail } from '../../errors.js';
import type { Logger } from '../../log.js';

export interface RedisConnection {
  readonly client: Redis;
  /** `command()`, with any failure answered as the 503 envelope. */
  run<T>(command: (client: Redis) => Promise<T>): Promise<T>;
  /** Resolves when the first connection is made or `timeoutMs` has passed (the gateway starts either way). */
  ready(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface RedisConnectionOptions {
  url: string;
  commandTimeoutMs: number;
  log: Logger;
}

export function createRedisConnection(options: RedisConnectionOptions): RedisConnection {
  const log = options.log.child({ store: 'redis' });
  const client = new Redis(options.url, {
    enableOfflineQueue: false,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: Math.max(options.commandTimeoutMs, 1_000),
    maxRetriesPerRequest: 0,
    // Commands in flight when the connection drops fail now rather than run again after a reconnect.
    autoResendUnfulfilledCommands: false,
    retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 6), 2_000),
    lazyConnect: false,
  });
  let down = false;
  let closing = false;
  const address = redactedAddress(options.url);

  function outage(error: unknown): void {
    if (down || closing) return;
    down = true;
    log.error({ err: error, redis: address }, 'redis is unavailable: requests that need shared state answer 503 until it returns');
  }
  function recovered(): void {
    if (!down) return;
    down = false;
    log.info({ redis: address }, 'redis is back');
  }
  // Without an 'error' listener ioredis reports every failed reconnect on its own.
  client.on('error', outage);
  client.on('ready', recovered);

  return {
    client,
    async run(command) {
      try {
        const result = await command(client);
        recovered();
        return result;
      } catch (error) {
        outage(error);
        throw fail.storeUnavailable(error);
      }
    },
    async ready(timeoutMs) {
      if (client.status === 'ready') return true;
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => done(false), timeoutMs);
        timer.unref();
        function done(ok: boolean): void {
          clearTimeout(timer);
          client.off('ready', onReady);
          resolve(ok);
        }
        function onReady(): void {
          done(true);
        }
        client.on('ready', onReady);
      });
    },
    async close() {
      closing = true;
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
    },
  };
}

/** The URL without its password, for logs. */
function redactedAddress(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis';
  }
}
