// Retry delays: exponential, capped, full jitter, reset on success.
import { describe, expect, it } from 'vitest';
import { createBackoff } from '../../../src/retry/backoff.js';

describe('createBackoff', () => {
  it('doubles the ceiling per failure up to the cap (draw pinned to the top)', () => {
    const backoff = createBackoff({ minDelayMs: 100, maxDelayMs: 1_000, random: () => 0.999_999 });
    const delays = Array.from({ length: 7 }, () => backoff.next());
    expect(delays).toEqual([99, 199, 399, 799, 999, 999, 999]);
    expect(backoff.attempts).toBe(7);
  });

  it('draws uniformly below the ceiling (full jitter) and can draw 0', () => {
    const draws = [0, 0.5];
    const backoff = createBackoff({ minDelayMs: 100, maxDelayMs: 1_000, random: () => draws.shift() ?? 0 });
    expect(backoff.next()).toBe(0);
    expect(backoff.next()).toBe(100);
  });

  it('starts again from the smallest ceiling after reset', () => {
    const backoff = createBackoff({ minDelayMs: 100, maxDelayMs: 10_000, random: () => 0.999_999 });
    for (let i = 0; i < 5; i++) backoff.next();
    backoff.reset();
    expect(backoff.next()).toBe(99);
  });

  it('never overflows after very many failures', () => {
    const backoff = createBackoff({ minDelayMs: 250, maxDelayMs: 10_000 });
    for (let i = 0; i < 5_000; i++) {
      const delay = backoff.next();
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(10_000);
    }
  });
});
