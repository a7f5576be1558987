// At most N of something at once (conversions, uploads); the rest wait in arrival order. A released slot passes
// straight to the next waiter, so the count never overshoots.
export interface Limiter {
  acquire(): Promise<void>;
  release(): void;
  readonly active: number;
  readonly waiting: number;
}

export function createLimiter(concurrency: number): Limiter {
  let active = 0;
  const queue: (() => void)[] = [];
  return {
    acquire() {
      if (active < concurrency) {
        active += 1;
        return Promise.resolve();
      }
      return new Promise((resolve) => queue.push(resolve));
    },
    release() {
      const next = queue.shift();
      if (next) next();
      else active -= 1;
    },
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
  };
}
