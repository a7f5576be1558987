// Two real gateway processes with one configuration on one real Redis, under a key prefix of their own: what two
// replicas behind a load balancer are. The scale-*.test.ts files start them here, and read answers with `call`.
import { spawnGateway, type GatewayProcess } from './gateway-process.js';
import { dropKeys, randomPrefix, testRedisUrl } from './redis.js';

export interface TwoGateways {
  a: GatewayProcess;
  b: GatewayProcess;
  /** Every Redis key of the pair starts with it. */
  prefix: string;
  /** Stops both processes by PID, then deletes the pair's keys. */
  stop(): Promise<void>;
}

/**
 * Starts A and B with `config` (English messages unless it says otherwise) and `store` set to Redis at `redisUrl`
 * under a fresh prefix; `config.store` may add to it (e.g. `job_ttl_s`).
 */
export async function startTwoGateways(config: Record<string, unknown>, redisUrl = testRedisUrl): Promise<TwoGateways> {
  const prefix = randomPrefix();
  const store = { kind: 'redis', url: redisUrl, key_prefix: prefix, command_timeout_ms: 2_000, ...(config.store as object | undefined) };
  const full = { locale: 'en', ...config, store };
  const started = await Promise.allSettled([spawnGateway(full), spawnGateway(full)]);
  const [a, b] = started.map((result) => (result.status === 'fulfilled' ? result.value : undefined));
  if (!a || !b) {
    // The one that started is stopped: no process outlives a failed set-up.
    await Promise.all([a?.stop(), b?.stop()]);
    const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    throw failed?.reason instanceof Error ? failed.reason : new Error('a gateway did not start');
  }
  return {
    a,
    b,
    prefix,
    async stop() {
      await Promise.all([a.stop(), b.stop()]);
      await dropKeys(prefix, redisUrl);
    },
  };
}

export interface Answer {
  status: number;
  headers: Headers;
  json: { code: number; message: string; data: Record<string, unknown> | null };
}

/** One request to a gateway (a JSON body when given), answered as the envelope. */
export async function call(
  gw: Pick<GatewayProcess, 'url'>,
  method: string,
  target: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const init: RequestInit = { method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(gw.url + target, init);
  return { status: response.status, headers: response.headers, json: (await response.json()) as Answer['json'] };
}
