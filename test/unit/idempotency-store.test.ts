import { describe, expect, it } from 'vitest';
import { createIdempotencyStore } from '../../src/http/idempotency-store.js';

const answer = { status: 200, body: '{}' };
const pending = (fingerprint: string) => ({ fingerprint, pending: new Promise<typeof answer>(() => undefined) });

describe('idempotency store', () => {
  it('evicts the least recently used scope past max_keys', () => {
    const store = createIdempotencyStore({ maxKeys: 2, maxBytes: 1 << 20, ttlMs: 1000, now: () => 0 });
    store.put('a', 'fa', answer);
    store.put('b', 'fb', answer);
    expect(store.get('a')?.fingerprint).toBe('fa'); // a is now the most recent
    store.put('c', 'fc', answer);
    expect(store.get('b')).toBeUndefined();
    expect(store.get('a')).toBeDefined();
    expect(store.size).toBe(2);
  });

  it('expires answers after the ttl; pending entries do not expire', () => {
    let now = 0;
    const store = createIdempotencyStore({ maxKeys: 10, maxBytes: 1 << 20, ttlMs: 1000, now: () => now });
    store.put('done', 'f', answer);
    store.claim('running', pending('f'));
    now = 999;
    expect(store.get('done')).toBeDefined();
    now = 1000;
    expect(store.get('done')).toBeUndefined();
    expect(store.get('running')).toBeDefined();
    expect(store.size).toBe(1);
  });

  it('claim() hands back the entry that already holds the scope', () => {
    const store = createIdempotencyStore({ maxKeys: 10, maxBytes: 1 << 20, ttlMs: 1000 });
    const first = pending('f1');
    expect(store.claim('s', first)).toBe(first);
    expect(store.claim('s', pending('f2'))).toBe(first);
  });

  it('release() leaves a newer entry alone', () => {
    const store = createIdempotencyStore({ maxKeys: 10, maxBytes: 1 << 20, ttlMs: 1000 });
    const old = pending('f1');
    store.claim('s', old);
    store.put('s', 'f2', answer);
    store.release('s', old);
    expect(store.get('s')?.fingerprint).toBe('f2');
  });

  it('stays within max_bytes, evicting the oldest, and refuses an answer larger than the bound', () => {
    const store = createIdempotencyStore({ maxKeys: 1000, maxBytes: 10_000, ttlMs: 60_000 });
    const big = { status: 200, body: 'x'.repeat(3000) };
    for (let i = 0; i < 50; i += 1) {
      store.put(`scope-${i}`, `f${i}`, big);
      expect(store.bytes).toBeLessThanOrEqual(10_000);
    }
    expect(store.size).toBe(3);
    expect(store.get('scope-49')).toBeDefined();
    expect(store.get('scope-0')).toBeUndefined();
    expect(store.put('huge', 'f', { status: 200, body: 'x'.repeat(20_000) })).toBe(false);
    expect(store.get('huge')).toBeUndefined();
    expect(store.bytes).toBeLessThanOrEqual(10_000);
  });
});
