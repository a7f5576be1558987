import { defineConfig } from 'vitest/config';
import { redisAvailable, testRedisUrl } from './test/helpers/redis.js';

// The integration suite runs twice: once on the memory store (with everything else) and once with TEST_STORE=redis,
// where every gateway the tests start (test/helpers/gateway.ts) and every guarded app (rate buckets, nonces:
// test/unit/security/guarded-app.ts) keeps its shared state in Redis under a prefix of its own. Left out of the
// redis run, because TEST_STORE changes nothing in them and they would only run the same thing twice:
//  - scale-*.test.ts: two-process tests that configure Redis themselves (they already run on Redis above);
//  - backend-capabilities, input-store-cleanup: the pool's capability reader and the input folder's cleanup,
//    called directly with no gateway and no store;
//  - check-cli, readme: child processes (`npm run check`, the README's demo) on their own default config;
//  - docs: the OpenAPI document and the doc pages, which read no shared state.
const redisOnlyOrStoreFree = [
  'test/integration/scale-*.test.ts',
  'test/integration/backend-capabilities.test.ts',
  'test/integration/input-store-cleanup.test.ts',
  'test/integration/check-cli.test.ts',
  'test/integration/readme.test.ts',
  'test/integration/docs.test.ts',
];

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
          test: { name: 'redis', include: ['test/integration/**/*.test.ts'], exclude: redisOnlyOrStoreFree, env: { TEST_STORE: 'redis' } },
        }]
        : []),
    ],
  },
});
