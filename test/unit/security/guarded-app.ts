// Test helper (not a test): the real createApp with the real security guards in front of a few probe routes that
// need no ComfyUI, on a free port. The probes echo what the body parser handed them, so a test can see that the
// bytes the signature guard read reached koa-body intact.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createApp, type RouteGroup } from '../../../src/app.js';
import { loadConfig, type Config, type DeepPartial } from '../../../src/config.js';
import { defineRoute } from '../../../src/http/define-route.js';
import { ok } from '../../../src/http/envelope.js';
import { createLogger } from '../../../src/log.js';
import { createSecurity } from '../../../src/security/security.js';
import { createStoreFromConfig } from '../../../src/store/from-config.js';
import { dropKeys, randomPrefix, testRedisUrl } from '../../helpers/redis.js';

export interface GuardedApp {
  url: string;
  dir: string;
  server: Server;
  close(): Promise<void>;
}

export async function startGuardedApp(
  overrides: DeepPartial<Config>,
  options: { now?: () => number; cwd?: string; env?: NodeJS.ProcessEnv; groups?: RouteGroup[] } = {},
): Promise<GuardedApp> {
  const dir = options.cwd ?? (await mkdtemp(path.join(os.tmpdir(), 'gateway-security-')));
  // TEST_STORE=redis (the redis project of vitest.config.ts): rate buckets and nonces live in Redis, under a prefix
  // of this app's own, as test/helpers/gateway.ts does for a whole gateway.
  const prefix = randomPrefix();
  const store = process.env.TEST_STORE === 'redis' ? { store: { kind: 'redis' as const, url: testRedisUrl, key_prefix: prefix } } : {};
  const config = loadConfig({
    cwd: dir,
    env: options.env ?? {},
    overrides: { ...store, ...overrides, log: { level: 'silent' }, server: { host: '127.0.0.1', port: 0 } },
  });
  const log = createLogger(config);
  const stateStore = await createStoreFromConfig(config, log);
  // The probes sit in the groups whose names the signature groups use, with the facts their real routes declare.
  const echo = defineRoute({
    method: 'post',
    path: '/api/v1/workflows/echo',
    operationId: 'echo',
    summary: 'echo the parsed JSON body',
    tags: ['test'],
    body: { type: 'object' },
    handler: (ctx, input) => ok(ctx, { body: input.body, query: ctx.querystring }),
  });
  const probe = defineRoute({
    method: 'get',
    path: '/api/v1/queue/probe',
    operationId: 'probe',
    summary: 'answers 200',
    tags: ['test'],
    handler: (ctx) => ok(ctx, { key: (ctx.state as { apiKey?: string }).apiKey ?? null }),
  });
  const upload = defineRoute({
    method: 'post',
    path: '/api/v1/images/upload',
    operationId: 'upload',
    summary: 'multipart echo',
    tags: ['test'],
    bodyType: 'multipart',
    body: { type: 'object' },
    handler: (ctx, input) => {
      const file = ctx.request.files?.file;
      const one = Array.isArray(file) ? file[0] : file;
      ok(ctx, { fields: input.body, size: one?.size ?? null });
    },
  });
  const scenario = defineRoute<unknown, Record<string, unknown>, { name: string }>({
    method: 'post',
    path: '/api/v1/scenarios/{name}',
    operationId: 'scenario',
    summary: 'stands in for the scenario route',
    tags: ['test'],
    scenarioParam: 'name',
    imageBody: true,
    body: { type: 'object' },
    handler: (ctx, { params }) => ok(ctx, { scenario: params.name }),
  });
  const health = defineRoute({
    method: 'get',
    path: '/health',
    operationId: 'health',
    summary: 'public unless auth.protect_health',
    tags: ['test'],
    access: 'health',
    handler: (ctx) => ok(ctx, { healthy: true }),
  });
  const groups: RouteGroup[] = [
    { name: 'workflows', routes: [echo] },
    { name: 'queue', routes: [probe] },
    { name: 'images', routes: [upload], multipart: { maxFileSizeBytes: config.limits.upload_bytes, uploadDir: dir } },
    { name: 'scenarios', routes: [scenario] },
    { name: 'health', routes: [health] },
    ...(options.groups ?? []),
  ];
  const security = createSecurity({ config, store: stateStore, ...(options.now ? { now: options.now } : {}) });
  const { app } = createApp({ config, log, groups, guards: security });
  const server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    dir,
    server,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await stateStore.close();
      if (config.store.kind === 'redis' && config.store.key_prefix === prefix) await dropKeys(prefix, config.store.url);
      if (!options.cwd) await rm(dir, { recursive: true, force: true });
    },
  };
}
