// What the parts of the scale case share: the Redis they run on (BENCH_REDIS_URL, else 127.0.0.1:6379) under a key
// prefix of each run's own, deleted afterwards; N gateway processes on it; a listener on the job-event channel.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { startGatewayProcess, type GatewayChild, type GatewayChildOptions } from '../child-process.js';

export const CASE = 'scale';

export function benchRedisUrl(): string {
  return process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379';
}

/** A key prefix of one run's own. */
export function benchPrefix(): string {
  return `gateway-bench:${randomBytes(6).toString('hex')}:`;
}

export function storeYaml(prefix: string): string {
  return `store: { kind: redis, url: "${benchRedisUrl()}", key_prefix: "${prefix}" }`;
}

/** Deletes every key under the prefix. */
export async function dropPrefix(prefix: string): Promise<void> {
  const redis = new Redis(benchRedisUrl());
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** `count` gateway processes on the same Redis prefix (started one after another: a start-up costs a core). */
export async function startGateways(count: number, prefix: string, options: GatewayChildOptions): Promise<GatewayChild[]> {
  const gateways: GatewayChild[] = [];
  try {
    for (let i = 0; i < count; i++) {
      gateways.push(await startGatewayProcess({ ...options, extraYaml: `${storeYaml(prefix)}\n${options.extraYaml ?? ''}` }));
    }
  } catch (error) {
    await Promise.allSettled(gateways.map((gateway) => gateway.stop()));
    throw error;
  }
  return gateways;
}

/** One message of the job-event channel, as src/store/redis/jobs.ts publishes it. */
export interface BusMessage {
  /** The publishing process's id (a random UUID per process). */
  from: string;
  job: { promptId: string; status: string };
  event?: { type: string };
}

/** Listens to `<prefix>job-events`; every message is handed over with the time it arrived here and its length. */
export async function listenToBus(prefix: string, onMessage: (message: BusMessage, at: number, bytes: number) => void): Promise<() => void> {
  const subscriber = new Redis(benchRedisUrl());
  subscriber.on('message', (_channel: string, text: string) => {
    const at = performance.now();
    try {
      onMessage(JSON.parse(text) as BusMessage, at, Buffer.byteLength(text));
    } catch {
      // not a job message
    }
  });
  await subscriber.subscribe(`${prefix}job-events`);
  return () => subscriber.disconnect();
}

/** A prompt the simulator runs for its --run-ms whatever it holds: an 8×8 picture, a new colour each time. */
export function tinyWorkflow(color: number): Record<string, unknown> {
  return {
    '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color } },
    '2': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } },
  };
}
