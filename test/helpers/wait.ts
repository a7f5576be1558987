// Polling with a deadline, for state that has no event to wait on (the simulator and the gateway run on their own clocks).

/**
 * Calls `check` every few milliseconds until it returns something other than `undefined` or `false`, and returns
 * that. `check` may be sync or async. Past the deadline, fails naming `what` it waited for.
 */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
