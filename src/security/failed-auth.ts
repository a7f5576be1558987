// Wrong API keys per client address, in fixed windows. Past the limit every key check from that address answers 429
// until its window ends, a correct key included: otherwise a guesser would still learn which guess was right. The
// map is kept in last-failure order and capped, so a flood of addresses costs bounded memory (the oldest go).
// This is the memory store's count (one process); the Redis store counts the same way for every process
// (src/store/redis/failed-auth.ts).
import type { FailedAuthOptions, FailedAuthStore } from '../store/types.js';

export interface FailedAuthLimiter extends FailedAuthStore {
  blocked(address: string): number | undefined;
  failed(address: string): void;
  readonly size: number;
}

export function createFailedAuthLimiter(options: FailedAuthOptions): FailedAuthLimiter {
  const now = options.now ?? Date.now;
  const maxAddresses = options.maxAddresses ?? 100_000;
  const windows = new Map<string, { count: number; endsAt: number }>();

  function current(address: string, at: number): { count: number; endsAt: number } | undefined {
    const window = windows.get(address);
    if (window && window.endsAt <= at) {
      windows.delete(address);
      return undefined;
    }
    return window;
  }

  return {
    blocked(address) {
      const at = now();
      const window = current(address, at);
      if (!window || window.count < options.attempts) return undefined;
      return Math.max(1, Math.ceil((window.endsAt - at) / 1000));
    },
    failed(address) {
      const at = now();
      const window = current(address, at) ?? { count: 0, endsAt: at + options.windowMs };
      window.count += 1;
      windows.delete(address);
      windows.set(address, window);
      while (windows.size > maxAddresses) windows.delete(windows.keys().next().value as string);
    },
    get size() {
      return windows.size;
    },
  };
}
