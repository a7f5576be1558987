import { defineConfig } from 'vitest/config';
import { redisAvailable, testRedisUrl } from './test/helpers/redis.js';

// The integration suite runs a second time with TEST_STORE=redis, where every gateway the tests start
// (test/helpers/gateway.ts) and every guarded app (rate buckets, nonces: test/unit/security/guarded-app.ts) keeps its
// shared state in Redis under a prefix of its own: the same suite passes on both stores. Left out of that run:
// scale-*.test.ts, which configure Redis themselves and already run on it in the memory project. On a quiet 2-vCPU
// machine the redis run takes about two minutes (53 files). `TEST_REDIS_FILES=store` narrows it to the files whose
// requests go through the store, for a quicker loop on a loaded machine.
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
            include: process.env.TEST_REDIS_FILES === 'store' ? touchesStore : ['test/integration/**/*.test.ts'],
            exclude: redisOnly,
            env: { TEST_STORE: 'redis' },
          },
        }]
        : []),
    ],
  },
});
