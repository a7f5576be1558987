// One contract, two stores: what the gateway relies on from its state store holds for memory and for a real Redis
// alike (bounds, eviction order, expiry, atomic claims under concurrency, nonce reuse, rate limits, wrong-key counts). "Two processes"
// are two stores on two connections for Redis; for memory, whose state is one process's, both are the same store.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdempotency } from '../../../src/http/idempotency.js';
import { createMemoryStore } from '../../../src/store/memory.js';
import { createRedisStore } from '../../../src/store/redis/store.js';
import type { HeldJob } from '../../../src/pool/held-job.js';
import type { StateStore } from '../../../src/store/types.js';
import { dropKeys, randomPrefix, redisAvailable, testRedisUrl } from '../../helpers/redis.js';
import { waitFor } from '../../helpers/wait.js';

const kinds = ['memory', 'redis'] as const;
const hasRedis = await redisAvailable();
const log = pino({ level: 'silent' });

describe.each(kinds)('state store contract: %s', (kind) => {
  const prefix = randomPrefix();
  const opened: StateStore[] = [];
  let shared: StateStore | undefined;

  /** A store as one gateway process sees it; `another` is a second process on the same shared state. */
  async function open(): Promise<StateStore> {
    if (kind === 'memory') return (shared ??= createMemoryStore());
    const store = createRedisStore({ url: testRedisUrl, keyPrefix: prefix, commandTimeoutMs: 2_000, log });
    opened.push(store);
    if (!(await store.connection.ready(5_000))) throw new Error(`no connection to ${testRedisUrl}`);
    return store;
  }
  /** The same part as seen by two processes: for memory one object, for Redis two on two connections. */
  async function pair<T>(make: (store: StateStore) => T): Promise<[T, T]> {
    const first = make(await open());
    return kind === 'memory' ? [first, first] : [first, make(await open())];
  }
  let run = 0;
  /** Fresh names per test, so tests of one file never see each other's keys. */
  const fresh = (name: string) => `${name}-${++run}`;

  beforeAll(() => {
    if (kind === 'redis' && !hasRedis) console.warn(`no Redis at ${testRedisUrl}: the redis contract is skipped`);
  });
  afterAll(async () => {
    await Promise.all(opened.map((store) => store.close()));
    if (kind === 'redis' && hasRedis) await dropKeys(prefix);
  });
  const test = kind === 'redis' && !hasRedis ? it.skip : it;
  const answer = (body: string) => ({ status: 200, body });

  describe('idempotency answers', () => {
    test('one claim wins; the holder is seen until it answers, then its answer', async () => {
      let clock = 1_000;
      const answers = (await open()).idempotency({ maxKeys: 10, maxBytes: 1 << 20, ttlMs: 1_000, now: () => clock });
      const scope = fresh('s');
      const first = await answers.claim(scope, 'fp');
      expect(first.claimed).toBe(true);
      const second = await answers.claim(scope, 'fp');
      expect(second).toMatchObject({ claimed: false, holder: { fingerprint: 'fp' } });
      expect(second.claimed === false && second.holder.answer).toBeUndefined();
      if (!first.claimed) throw new Error('unreachable');
      await answers.release(scope, 'not-the-token');
      expect(await answers.peek(scope)).toBeDefined();
      expect(await answers.put(scope, first.token, 'fp', answer('{"a":1}'))).toBe(true);
      expect((await answers.peek(scope))?.answer).toEqual(answer('{"a":1}'));
      // The ttl counts from the answer; a claim does not expire with it.
      clock += 999;
      expect(await answers.peek(scope)).toBeDefined();
      clock += 1;
      expect(await answers.peek(scope)).toBeUndefined();
      expect((await answers.claim(scope, 'fp')).claimed).toBe(true);
      clock += 5_000;
      expect((await answers.claim(scope, 'fp')).claimed).toBe(false);
    });

    test('release frees the scope for the next claim', async () => {
      const answers = (await open()).idempotency({ maxKeys: 10, maxBytes: 1 << 20, ttlMs: 1_000 });
      const scope = fresh('r');
      const first = await answers.claim(scope, 'fp');
      if (!first.claimed) throw new Error('first claim lost');
      await answers.release(scope, first.token);
      expect(await answers.peek(scope)).toBeUndefined();
      expect((await answers.claim(scope, 'other')).claimed).toBe(true);
    });

    test('evicts the least recently used scope past max_keys', async () => {
      const answers = (await open()).idempotency({ maxKeys: 2, maxBytes: 1 << 20, ttlMs: 60_000 });
      const [a, b, c] = [fresh('a'), fresh('b'), fresh('c')];
      for (const scope of [a, b]) {
        const taken = await answers.claim(scope, 'f');
        if (taken.claimed) await answers.put(scope, taken.token, 'f', answer('{}'));
      }
      expect(await answers.peek(a)).toBeDefined(); // a is now the most recent
      const taken = await answers.claim(c, 'f');
      if (taken.claimed) await answers.put(c, taken.token, 'f', answer('{}'));
      expect(await answers.peek(b)).toBeUndefined();
      expect(await answers.peek(a)).toBeDefined();
      expect(await answers.peek(c)).toBeDefined();
    });

    test('keeps its bytes within max_bytes, oldest first, and refuses an answer larger than the bound', async () => {
      const maxBytes = 4_000;
      const answers = (await open()).idempotency({ maxKeys: 1_000, maxBytes, ttlMs: 60_000 });
      const scopes: string[] = [];
      for (let i = 0; i < 12; i++) {
        const scope = fresh('big');
        scopes.push(scope);
        const taken = await answers.claim(scope, 'f');
        if (!taken.claimed) throw new Error('claim lost');
        expect(await answers.put(scope, taken.token, 'f', answer(JSON.stringify({ pad: 'x'.repeat(900) })))).toBe(true);
        expect(answers.bytes).toBeLessThanOrEqual(maxBytes);
      }
      // Each entry is about 1 KB: the last few stay, the first went.
      expect(await answers.peek(scopes[0]!)).toBeUndefined();
      expect(await answers.peek(scopes[11]!)).toBeDefined();
      expect(answers.size).toBeGreaterThanOrEqual(3);
      const huge = fresh('huge');
      const taken = await answers.claim(huge, 'f');
      if (!taken.claimed) throw new Error('claim lost');
      expect(await answers.put(huge, taken.token, 'f', answer('y'.repeat(maxBytes)))).toBe(false);
      expect(await answers.peek(huge)).toBeUndefined();
    });

    test('of many claims racing from two processes, exactly one wins', async () => {
      const options = { maxKeys: 100, maxBytes: 1 << 20, ttlMs: 60_000 };
      const [a, b] = await pair((store) => store.idempotency(options));
      const scope = fresh('race');
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).claim(scope, 'f')));
      expect(results.filter((result) => result.claimed)).toHaveLength(1);
    });

    test('the gate runs a submission once for duplicates racing through two processes, and replays its answer', async () => {
      const options = { maxKeys: 100, maxBytes: 1 << 20, ttlMs: 60_000 };
      const gates = await pair((store) => createIdempotency(store.idempotency(options)));
      const scope = fresh('gate');
      let produced = 0;
      let finish!: () => void;
      const finished = new Promise<void>((resolve) => (finish = resolve));
      const calls = Array.from({ length: 6 }, (_, i) =>
        gates[i % 2]!.once({ scope, fingerprint: 'f' }, async () => {
          produced += 1;
          await finished;
          return { prompt_id: 'p-1' };
        }),
      );
      await waitFor('the first submission to start', () => produced === 1);
      finish();
      const results = await Promise.all(calls);
      expect(produced).toBe(1);
      expect(results.map((r) => r.answer)).toEqual(Array(6).fill({ prompt_id: 'p-1' }));
      expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    });
  });

  describe('signature nonces', () => {
    test('a nonce is new once, then refused, in every process', async () => {
      const [a, b] = await pair((store) => store.nonces({ ttlMs: 60_000, capacity: 100 }));
      const nonce = fresh('nonce-abcdef');
      expect(await a.remember(nonce)).toEqual({ result: 'new' });
      expect(await a.remember(nonce)).toEqual({ result: 'replayed' });
      expect(await b.remember(nonce)).toEqual({ result: 'replayed' });
    });

    test('of concurrent uses of one nonce exactly one is new', async () => {
      const [a, b] = await pair((store) => store.nonces({ ttlMs: 60_000, capacity: 100 }));
      const nonce = fresh('nonce-race');
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).remember(nonce)));
      expect(results.filter((r) => r.result === 'new')).toHaveLength(1);
    });

    test('a nonce is forgotten once its window has passed', async () => {
      const nonces = (await open()).nonces({ ttlMs: 100, capacity: 100 });
      const nonce = fresh('nonce-ttl');
      expect(await nonces.remember(nonce)).toEqual({ result: 'new' });
      expect(await nonces.remember(nonce)).toEqual({ result: 'replayed' });
      // A fresh nonce each poll keeps the memory cache's front moving, as live traffic does.
      await waitFor('the nonce to expire', async () => {
        await nonces.remember(fresh('nonce-tick'));
        return (await nonces.remember(nonce)).result === 'new';
      });
    });
  });

  describe('rate limits', () => {
    test('a burst, then refusals that say when to retry, then one request per refill', async () => {
      let clock = 1_000_000;
      const limiter = (await open()).rateLimiter({ ratePerSecond: 1, burst: 3, now: () => clock });
      const id = fresh('caller');
      for (let i = 0; i < 3; i++) expect(await limiter.take(id)).toEqual({ ok: true });
      expect(await limiter.take(id)).toEqual({ ok: false, retryAfterSeconds: 1 });
      clock += 1_000;
      expect(await limiter.take(id)).toEqual({ ok: true });
      expect((await limiter.take(id)).ok).toBe(false);
      expect((await limiter.take(fresh('someone-else'))).ok).toBe(true);
    });

    test('the limit holds across processes', async () => {
      const clock = 5_000_000;
      const options = { ratePerSecond: 1, burst: 4, now: () => clock };
      const [a, b] = await pair((store) => store.rateLimiter(options));
      const id = fresh('shared');
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).take(id)));
      expect(results.filter((r) => r.ok)).toHaveLength(4);
    });
  });

  describe('wrong API key counts', () => {
    test('the limit holds across processes, then its window ends', async () => {
      let clock = 1_000_000;
      // Redis keeps the window on its own clock: a real window, short enough to wait out.
      const options = { attempts: 4, windowMs: 300, now: () => clock };
      const [a, b] = await pair((store) => store.failedAuth(options));
      const address = fresh('198.51.100.7');
      await Promise.all(Array.from({ length: 3 }, (_, i) => (i % 2 ? a : b).failed(address)));
      expect(await a.blocked(address)).toBeUndefined();
      expect(await b.blocked(fresh('198.51.100.8'))).toBeUndefined();
      await b.failed(address);
      expect(await a.blocked(address)).toBe(1);
      expect(await b.blocked(address)).toBe(1);
      await waitFor('the window to end', async () => {
        clock += 100;
        return (await a.blocked(address)) === undefined;
      });
      expect(await b.blocked(address)).toBeUndefined();
      // A new window starts with the next wrong key.
      for (let i = 0; i < 3; i++) await a.failed(address);
      expect(await b.blocked(address)).toBeUndefined();
    });

    test('of concurrent wrong keys every one counts', async () => {
      const [a, b] = await pair((store) => store.failedAuth({ attempts: 20, windowMs: 60_000 }));
      const address = fresh('203.0.113.9');
      await Promise.all(Array.from({ length: 19 }, (_, i) => (i % 2 ? a : b).failed(address)));
      expect(await a.blocked(address)).toBeUndefined();
      await b.failed(address);
      expect(await a.blocked(address)).toBeGreaterThan(0);
    });
  });

  describe('webhook outbox', () => {
    const item = (id: string) => ({ id, url: 'http://receiver.test/hook', type: 'job.succeeded', body: '{}', attempts: 0, lastStatus: null, lastError: null });

    test('hands each due item to one claimer, under a lease that lapses', async () => {
      const [a, b] = await pair((store) => store.outbox());
      const id = fresh('msg');
      const t0 = 10_000_000 + run * 1_000_000;
      await a.add(item(id), t0);
      expect(await b.claim(t0 - 1, 1_000, 10)).toEqual([]);
      const claims = await Promise.all([a.claim(t0, 1_000, 10), b.claim(t0, 1_000, 10)]);
      const mine = claims.flat().filter((leased) => leased.item.id === id);
      expect(mine).toHaveLength(1);
      // Not finished within the lease (its process died): due again, for anyone.
      expect((await a.claim(t0 + 999, 1_000, 10)).some((leased) => leased.item.id === id)).toBe(false);
      const again = (await b.claim(t0 + 1_000, 1_000, 10)).filter((leased) => leased.item.id === id);
      expect(again).toHaveLength(1);
      // The lapsed lease no longer counts: its holder cannot finish what another now holds.
      await a.finish(mine[0]!);
      expect((await a.claim(t0 + 2_000, 1_000, 10)).some((leased) => leased.item.id === id)).toBe(true);
    });

    test('retry keeps the new state and the new due time; finish removes the item', async () => {
      const [a, b] = await pair((store) => store.outbox());
      const id = fresh('retry');
      const t0 = 10_000_000 + run * 1_000_000;
      await a.add(item(id), t0);
      const [leased] = (await a.claim(t0, 1_000, 10)).filter((entry) => entry.item.id === id);
      leased!.item.attempts = 1;
      leased!.item.lastStatus = 500;
      await a.retry(leased!, t0 + 50);
      const [next] = (await b.claim(t0 + 50, 1_000, 10)).filter((entry) => entry.item.id === id);
      expect(next?.item).toMatchObject({ attempts: 1, lastStatus: 500 });
      await b.finish(next!);
      expect((await a.claim(t0 + 1_000_000, 1_000, 10)).some((entry) => entry.item.id === id)).toBe(false);
    });
  });

  describe('the gateway queue', () => {
    const held = (id: string): HeldJob => ({
      queued: { id, caller: 'alice', priority: 3, enqueuedAt: 1_234, requirements: { classTypes: ['EmptyImage'], values: [] } },
      workflow: { '1': { class_type: 'EmptyImage', inputs: { width: 8 } } },
      extraData: { gateway: { client_id: 'c' } },
      scenario: 'invert',
      checkpoint: undefined,
      inputs: ['a.png'],
    });

    test('memory shares no queue (one process has nobody to hand it to); redis hands a held job to another process', async () => {
      if (kind === 'memory') {
        expect((await open()).queue).toBeUndefined();
        return;
      }
      const a = (await open()).queue!({ ttlMs: 60_000, holder: 'gateway-a' });
      const b = (await open()).queue!({ ttlMs: 60_000, holder: 'gateway-b' });
      const [kept, sent, other] = [fresh('kept'), fresh('sent'), fresh('other')];
      a.hold(held(kept));
      a.hold(held(sent));
      a.release(sent);
      // The writes are not awaited: the writer's commands run in order, and the reader asks after them.
      await waitFor('the held job to be readable by another process', async () => (await b.read([kept])).has(kept));
      const found = await b.read([kept, sent, other]);
      expect([...found.keys()]).toEqual([kept]);
      // undefined is not JSON: a job without a checkpoint comes back without the key, which reads the same.
      const { checkpoint: _checkpoint, ...rest } = held(kept);
      expect(found.get(kept)).toEqual(rest);
      expect(await b.read([])).toEqual(new Map());
      // Its holder is the process that wrote it; a job nobody holds (sent, ended, expired) is nobody's to refuse.
      expect([await a.owns(kept), await b.owns(kept), await b.owns(other)]).toEqual([true, false, true]);
    });

    test('redis: a held job expires with the job ttl', async () => {
      if (kind === 'memory') return;
      const [a, b] = await pair((store) => store.queue!({ ttlMs: 1_000, holder: 'gateway-a' }));
      const id = fresh('expiring');
      a.hold(held(id));
      await waitFor('the held job to be there', async () => (await b.read([id])).has(id));
      await waitFor('the held job to expire', async () => !(await b.read([id])).has(id));
    });
  });
});
