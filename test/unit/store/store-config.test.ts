// gateway.yaml `store` and REDIS_URL: nothing configured is the memory store; REDIS_URL alone selects Redis.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';

describe('store config', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'store-config-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('defaults to the memory store', () => {
    expect(loadConfig({ cwd: dir, env: {} }).store).toEqual({
      kind: 'memory',
      url: 'redis://127.0.0.1:6379',
      key_prefix: 'comfy-gateway:',
      command_timeout_ms: 1000,
      job_ttl_s: 86400,
    });
  });

  it('REDIS_URL names the server and selects redis', () => {
    const config = loadConfig({ cwd: dir, env: { REDIS_URL: 'redis://cache.internal:6380/2' } });
    expect(config.store).toMatchObject({ kind: 'redis', url: 'redis://cache.internal:6380/2' });
  });

  it('refuses a URL that is not redis:// or rediss://, naming the key', () => {
    expect(() => loadConfig({ cwd: dir, env: {}, overrides: { store: { url: 'http://cache:6379' } } })).toThrow(ConfigError);
    expect(() => loadConfig({ cwd: dir, env: { REDIS_URL: 'cache:6379' } })).toThrow(/store\.url/);
  });
});
