// The pure pieces of the security guards, with injected clocks: no servers, no sleeps.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isOpenAccess } from '../../../src/http/route-facts.js';
import { createKeyRing, presentedKey } from '../../../src/security/api-keys.js';
import { canonicalQuery, canonicalString, sha256Hex } from '../../../src/security/canonical.js';
import { createNonceCache } from '../../../src/security/nonce-cache.js';
import { createRateLimiter } from '../../../src/security/rate-limit.js';

describe('canonical string', () => {
  it('sorts query pieces by name and keeps their encoding', () => {
    expect(canonicalQuery('?b=2&a=%20x&c&a=1')).toBe('a=%20x&a=1&b=2&c');
    expect(canonicalQuery('')).toBe('');
  });

  it('is the same for every order of the same pieces', () => {
    const piece = fc.tuple(fc.stringMatching(/^[a-z%0-9]{1,4}$/), fc.stringMatching(/^[a-z%0-9]{0,4}$/));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 6 }), (pieces) => {
        const query = pieces.map(([k, v]) => `${k}=${v}`);
        expect(canonicalQuery([...query].reverse().join('&'))).toBe(canonicalQuery(query.join('&')));
      }),
    );
  });

  it('joins the six parts with newlines and hashes the body', () => {
    const text = canonicalString({ method: 'post', path: '/p', query: 'b=1&a=2', body: '', timestamp: 7, nonce: 'n' });
    expect(text).toBe(`POST\n/p\na=2&b=1\n${sha256Hex('')}\n7\nn`);
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('key ring', () => {
  const ring = createKeyRing([
    'plain-0001',
    { sha256: createHash('sha256').update('hashed-0002').digest('hex'), name: 'h' },
    { key: 'limited-0003', name: 'l', scenarios: ['a'] },
  ]);

  it('finds keys given plainly or by digest, and nothing else', () => {
    expect(ring.find('plain-0001')?.name).toMatch(/^sha256:[0-9a-f]{8}$/);
    expect(ring.find('hashed-0002')?.name).toBe('h');
    expect(ring.find('limited-0003')?.scenarios?.has('a')).toBe(true);
    expect(ring.find('plain-000')).toBeUndefined();
    expect(ring.find('')).toBeUndefined();
  });

  it('makes every key a caller unless its role is admin', () => {
    const roles = createKeyRing(['plain-0001', { key: 'c-0002', role: 'caller' }, { key: 'a-0003', role: 'admin' }]);
    expect(['plain-0001', 'c-0002', 'a-0003'].map((key) => roles.find(key)?.admin)).toEqual([false, false, true]);
    // Key files bypass the config schema: a misspelt role stops the start instead of making a caller.
    expect(() => createKeyRing([{ key: 'a', role: 'root' as 'admin' }])).toThrow(/role must be admin or caller/);
  });

  it('refuses entries that are ambiguous or malformed', () => {
    expect(() => createKeyRing([{ key: 'a', sha256: 'b'.repeat(64) }])).toThrow(/exactly one of key or sha256/);
    expect(() => createKeyRing([{ sha256: 'xyz' }])).toThrow(/64 hex digits/);
    expect(() => createKeyRing([{ key: 'a', name: 'n' }, { key: 'b', name: 'n' }])).toThrow(/repeats the key name/);
  });

  it('reads X-API-Key first, then a Bearer token', () => {
    expect(presentedKey({ 'x-api-key': 'k1', authorization: 'Bearer k2' })).toBe('k1');
    expect(presentedKey({ authorization: 'Bearer   k2' })).toBe('k2');
    expect(presentedKey({ authorization: 'Basic k2' })).toBeUndefined();
    expect(presentedKey({})).toBeUndefined();
  });
});

describe('declared access', () => {
  const open = { protect_health: false, protect_docs: false };
  const closed = { protect_health: true, protect_docs: true };

  it('leaves public routes open always, health and docs unless protected, keyed and admin routes never', () => {
    const accesses = ['public', 'health', 'docs', 'key', 'admin', undefined] as const;
    expect(accesses.map((access) => isOpenAccess(access, open))).toEqual([true, true, true, false, false, false]);
    expect(accesses.map((access) => isOpenAccess(access, closed))).toEqual([true, false, false, false, false, false]);
    expect(isOpenAccess('health', { protect_health: true, protect_docs: false })).toBe(false);
    expect(isOpenAccess('docs', { protect_health: true, protect_docs: false })).toBe(true);
  });
});

describe('nonce cache', () => {
  it('accepts a nonce once, forgets it after the window, and refuses when full', () => {
    let now = 0;
    const cache = createNonceCache({ ttlMs: 10_000, capacity: 2, now: () => now });
    expect(cache.remember('a').result).toBe('new');
    expect(cache.remember('a').result).toBe('replayed');
    now = 4_000;
    expect(cache.remember('b').result).toBe('new');
    expect(cache.remember('c')).toEqual({ result: 'full', retryAfterSeconds: 6 });
    now = 10_000;
    // 'a' expired at 10 s, which made room for 'c'; 'a' is new again, but now the cache is full until 'b' expires.
    expect(cache.remember('c').result).toBe('new');
    expect(cache.remember('a')).toEqual({ result: 'full', retryAfterSeconds: 4 });
    expect(cache.size).toBe(2);
  });
});

describe('rate limiter', () => {
  it('refills at the rate, caps at the burst, and reports the wait', () => {
    let now = 0;
    const limiter = createRateLimiter({ ratePerSecond: 2, burst: 2, now: () => now });
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterSeconds: 1 });
    now = 500;
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
    now = 60_000;
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
  });

  it('keeps memory bounded: idle buckets go, and the cap holds', () => {
    let now = 0;
    const limiter = createRateLimiter({ ratePerSecond: 1, burst: 1, maxBuckets: 100, now: () => now });
    for (let i = 0; i < 1000; i += 1) limiter.take(`ip-${i}`);
    expect(limiter.size).toBeLessThanOrEqual(100);
    now = 5_000;
    limiter.take('late');
    expect(limiter.size).toBe(1);
  });
});
