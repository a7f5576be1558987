// Wrong-key counts with the Redis store when Redis does not answer: the process counts on its own, so keyed requests
// keep their answers (401, then 429 past the limit) instead of all failing with Redis.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createRedisStore } from '../../../src/store/redis/store.js';
import { closedPort } from '../../helpers/ports.js';

describe('wrong-key counts while Redis is away', () => {
  it('lock the address after the limit, counted in the process', async () => {
    const port = await closedPort();
    const away = createRedisStore({ url: `redis://127.0.0.1:${port}`, keyPrefix: 'none:', commandTimeoutMs: 200, log: pino({ level: 'silent' }) });
    try {
      const counts = away.failedAuth({ attempts: 2, windowMs: 60_000 });
      expect(await counts.blocked('192.0.2.1')).toBeUndefined();
      await counts.failed('192.0.2.1');
      expect(await counts.blocked('192.0.2.1')).toBeUndefined();
      await counts.failed('192.0.2.1');
      expect(await counts.blocked('192.0.2.1')).toBe(60);
      expect(await counts.blocked('192.0.2.2')).toBeUndefined();
    } finally {
      await away.close();
    }
  });
});
