import { defineConfig } from 'vitest/config';
import { redisAvailable, testRedisUrl } from './test/helpers/redis.js';

// The integration suite runs a second time with TEST_STORE=redis, where every gateway the tests start
// (test/helpers/gateway.ts) and every guarded app (rate buckets, nonces: test/unit/security/guarded-app.ts) keeps its
// shared state in Redis under a prefix of its own. Every file of test/integration can run so
// (`TEST_REDIS_ALL=1 npx vitest run --project redis`), but all of them would add about as much time again as the
// whole suite takes (each file loads the gateway anew, and most time goes there), so `npm test` runs on Redis the
// files whose requests go through the store: job records and their events across the relay, SSE and waits (jobs*,
// ws*, upstream-ws, faults' recovery from history, workflows, scenarios-submit, invert-e2e, outputs*), idempotency,
// webhooks (the outbox), rate buckets and nonces (rate-limit, signature, ws-signature, auth, route-access), callers
// kept apart (tenants), and the queue and backend slots (queue, pool*, backends-stream). Left to the memory run:
// files about parsing, limits per process, docs, health, upstream outages, the image folders and start-up, whose
// requests never read or write shared state; and scale-*.test.ts, which configure Redis themselves and already run
// on it in the memory project.
const touchesStore = [
  'jobs', 'jobs-cancel', 'jobs-mirror', 'jobs-watchdog', 'ws', 'ws-submit', 'upstream-ws', 'faults', 'workflows',
  'scenarios-submit', 'invert-e2e', 'outputs', 'outputs-delivery', 'outputs-put', 'idempotency', 'webhooks',
  'rate-limit', 'signature', 'ws-signature', 'auth', 'route-access', 'tenants', 'queue', 'pool', 'pool-wait',
  'pool-inputs', 'backends-stream',
].map((name) => `test/integration/${name}.test.ts`);
const redisOnly = ['test/integration/scale-*.test.ts'];

// With TEST_REDIS_URL set (.ci/run) Redis is promised: the redis run stays in and fails if Redis is not there.
const redis = Boolean(process.env.TEST_REDIS_URL) || (await redisAvailable().catch(() => false));
if (!redis) console.warn(`vitest: no Redis answers at ${testRedisUrl} and TEST_REDIS_URL is unset: the integration suite's redis run is skipped`);

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    // Integration tests start real servers on free ports; each file gets its own, so files may run in parallel.
    testTimeout: 20_000,
    hookTimeout: 20_000,
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'memory', include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts'] } },
      ...(redis
        ? [{
          extends: true as const,
          test: {
            name: 'redis',
            include: process.env.TEST_REDIS_ALL ? ['test/integration/**/*.test.ts'] : touchesStore,
            exclude: redisOnly,
            env: { TEST_STORE: 'redis' },
          },
        }]
        : []),
    ],
  },
});
