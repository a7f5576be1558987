// The dispatcher's pump: rounds never overlap, and calls during a round ask for exactly one more.
import { describe, expect, it } from 'vitest';
import { oneRoundAtATime } from '../../../src/pool/one-round-at-a-time.js';

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('oneRoundAtATime', () => {
  it('runs one more round after the running one, however many calls came meanwhile', async () => {
    const rounds: ReturnType<typeof deferred>[] = [];
    const started = [deferred(), deferred()];
    const run = oneRoundAtATime(() => {
      const round = deferred();
      started[rounds.length]?.resolve();
      rounds.push(round);
      return round.promise;
    }, () => undefined);
    run();
    await started[0]!.promise;
    run();
    run();
    run();
    expect(rounds).toHaveLength(1);
    rounds[0]!.resolve();
    await started[1]!.promise;
    expect(rounds).toHaveLength(2);
    rounds[1]!.resolve();
    await rounds[1]!.promise;
    await Promise.resolve();
    expect(rounds).toHaveLength(2);
  });

  it('reports a failed round and still runs the one asked for meanwhile', async () => {
    const errors: unknown[] = [];
    const first = deferred();
    const second = deferred();
    let calls = 0;
    const run = oneRoundAtATime(
      () => {
        calls += 1;
        if (calls === 1) return first.promise;
        second.resolve();
        return Promise.resolve();
      },
      (error) => errors.push(error),
    );
    run();
    run();
    first.reject(new Error('round failed'));
    await second.promise;
    expect(calls).toBe(2);
    expect(errors).toEqual([new Error('round failed')]);
  });
});
