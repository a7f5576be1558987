// The Redis the tests use: TEST_REDIS_URL, else the machine's own at 127.0.0.1:6379. Every test file works under a
// random key prefix of its own and deletes its keys afterwards. With TEST_REDIS_URL set (CI) a Redis that does not
// answer fails the tests; without it, the redis half of a suite is skipped and says why.
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { closedPort } from './ports.js';

export const testRedisUrl = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

/** Whether Redis answers PING; throws when TEST_REDIS_URL was given and it does not. */
export async function redisAvailable(url = testRedisUrl): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch (error) {
    if (process.env.TEST_REDIS_URL) {
      throw new Error(`TEST_REDIS_URL=${url} is set but Redis does not answer there: ${(error as Error).message}`);
    }
    return false;
  } finally {
    client.disconnect();
  }
}

export function randomPrefix(): string {
  return `gateway-test:${randomBytes(6).toString('hex')}:`;
}

/** Deletes every key under the prefix. */
export async function dropKeys(prefix: string, url = testRedisUrl): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

/** A redis-server of the test's own on a free port (no persistence), stopped and started again by PID. */
export interface OwnRedis {
  url: string;
  port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** SIGSTOP / SIGCONT: a Redis that holds connections open and answers nothing. */
  pause(): void;
  resume(): void;
}

export async function ownRedis(): Promise<OwnRedis> {
  const port = await closedPort();
  let child: ChildProcess | undefined;
  const url = `redis://127.0.0.1:${port}`;
  return {
    url,
    port,
    async start() {
      const started = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = started;
      await new Promise<void>((resolve, reject) => {
        let seen = '';
        started.once('error', reject);
        started.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${seen}`)));
        started.stdout!.on('data', (chunk: Buffer) => {
          seen += chunk.toString();
          if (seen.includes('Ready to accept connections')) resolve();
        });
      });
      started.removeAllListeners('exit');
    },
    pause() {
      if (child?.pid) process.kill(child.pid, 'SIGSTOP');
    },
    resume() {
      if (child?.pid) process.kill(child.pid, 'SIGCONT');
    },
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      process.kill(running.pid!, 'SIGKILL');
      await exited;
    },
  };
}
