// Rate limits over a real socket, with a clock the test moves: a burst passes, the next request gets 429 with an
// integer Retry-After, another key keeps its own bucket, and time refills the bucket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGuardedApp, type GuardedApp } from '../unit/security/guarded-app.js';

describe('rate limit per API key', () => {
  let app: GuardedApp;
  let clock = 1_000_000;
  beforeAll(async () => {
    app = await startGuardedApp(
      { limits: { requests_per_second: 0.5, burst: 3 }, auth: { api_keys: ['key-one-0001', 'key-two-0002'] } },
      { now: () => clock },
    );
  });
  afterAll(async () => app.close());

  const probe = (key: string) =>
    fetch(`${app.url}/api/v1/queue/probe`, { headers: { 'x-api-key': key } }).then(async (response) => ({
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      json: (await response.json()) as { code: number; data: unknown },
    }));

  it('lets a burst through, then answers 429 with Retry-After; other keys are unaffected', async () => {
    for (let i = 0; i < 3; i += 1) expect((await probe('key-one-0001')).status).toBe(200);
    const limited = await probe('key-one-0001');
    expect(limited.status).toBe(429);
    expect(limited.json).toMatchObject({ code: 429, data: null });
    // 0.5 tokens a second: one whole token is 2 s away.
    expect(limited.retryAfter).toBe('2');
    expect((await probe('key-two-0002')).status).toBe(200);

    clock += 2_000;
    expect((await probe('key-one-0001')).status).toBe(200);
    expect((await probe('key-one-0001')).status).toBe(429);
  });

  it('does not count public routes', async () => {
    for (let i = 0; i < 10; i += 1) expect((await fetch(`${app.url}/health`)).status).toBe(200);
  });
});

describe('rate limit per client address when there are no keys', () => {
  let app: GuardedApp;
  beforeAll(async () => {
    app = await startGuardedApp({ limits: { requests_per_second: 1, burst: 2 } }, { now: () => 5_000 });
  });
  afterAll(async () => app.close());

  it('limits the address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await fetch(`${app.url}/api/v1/queue/probe`)).status);
    expect(statuses).toEqual([200, 200, 429]);
  });
});
