// Delays between attempts (reconnecting to ComfyUI's event stream, retrying a webhook): exponential with full
// jitter (a uniform draw between 0 and the capped exponential), so that several gateways that lost the same ComfyUI,
// or the same receiver, do not all knock on it at the same instant.

export interface BackoffOptions {
  minDelayMs: number;
  maxDelayMs: number;
  /** [0, 1); injectable so tests can pin the draw. */
  random?: () => number;
}

export interface Backoff {
  /** The delay before the next attempt; each call counts one more failure. */
  next(): number;
  /** A connection succeeded: start again from the smallest delay. */
  reset(): void;
  readonly attempts: number;
}

export function createBackoff(options: BackoffOptions): Backoff {
  const random = options.random ?? Math.random;
  const min = Math.max(0, options.minDelayMs);
  const max = Math.max(min, options.maxDelayMs);
  let attempts = 0;
  return {
    next() {
      // The exponent stops growing once the cap is reached, so 2 ** attempts cannot overflow to Infinity.
      const ceiling = Math.min(max, min * 2 ** Math.min(attempts, 30));
      attempts += 1;
      return Math.floor(random() * ceiling);
    },
    reset() {
      attempts = 0;
    },
    get attempts() {
      return attempts;
    },
  };
}
