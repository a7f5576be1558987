import { describe, expect, it } from 'vitest';
import { createIdempotencyStore } from '../../src/http/idempotency-store.js';

const answer = { status: 200, body: '{}' };

describe('idempotency store', () => {
  it('evicts the least recently used scope past max_keys', () => {
    const store = createIdempotencyStore({ maxKeys: 2, ttlMs: 1000, now: () => 0 });
    store.set('a', store.answered('fa', answer));
    store.set('b', store.answered('fb', answer));
    expect(store.get('a')?.fingerprint).toBe('fa'); // a is now the most recent
    store.set('c', store.answered('fc', answer));
    expect(store.get('b')).toBeUndefined();
    expect(store.get('a')).toBeDefined();
    expect(store.size).toBe(2);
  });

  it('expires answers after the ttl; pending entries do not expire', () => {
    let now = 0;
    const store = createIdempotencyStore({ maxKeys: 10, ttlMs: 1000, now: () => now });
    store.set('done', store.answered('f', answer));
    store.set('running', { fingerprint: 'f', pending: new Promise(() => undefined) });
    now = 999;
    expect(store.get('done')).toBeDefined();
    now = 1000;
    expect(store.get('done')).toBeUndefined();
    expect(store.get('running')).toBeDefined();
    expect(store.size).toBe(1);
  });

  it('delete() leaves a newer entry alone', () => {
    const store = createIdempotencyStore({ maxKeys: 10, ttlMs: 1000 });
    const old = store.answered('f1', answer);
    store.set('s', old);
    const newer = store.answered('f2', answer);
    store.set('s', newer);
    store.delete('s', old);
    expect(store.get('s')).toBe(newer);
  });
});
