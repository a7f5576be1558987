// The gateway-held queue: priority, FIFO per caller, round-robin between callers, aging, removal, positions, and
// takeFor skipping what a backend cannot run.
import { describe, expect, it } from 'vitest';
import { createGatewayQueue, type CanRun, type QueuedJob } from '../../../src/backends/gateway-queue.js';
import type { Requirements } from '../../../src/backends/capabilities.js';

const plain: Requirements = { classTypes: ['KSampler'], values: [] };
const needsX: Requirements = { classTypes: ['X'], values: [] };

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

function setup(agingPerMinute = 0) {
  const time = clock();
  const queue = createGatewayQueue({ now: time.now, agingPerMinute });
  const add = (id: string, caller: string, priority = 0, requirements = plain) => {
    const job: QueuedJob = { id, caller, priority, enqueuedAt: time.now(), requirements };
    queue.enqueue(job);
    time.advance(1);
    return job;
  };
  const ids = () => queue.list().map((j) => j.id);
  const anything: CanRun = () => true;
  const drain = (canRun: CanRun = anything) => {
    const taken: string[] = [];
    for (let job = queue.takeFor(canRun); job; job = queue.takeFor(canRun)) taken.push(job.id);
    return taken;
  };
  return { queue, time, add, ids, drain, anything };
}

describe('dispatch order', () => {
  it('is FIFO for one caller at one priority', () => {
    const { add, ids, drain } = setup();
    for (const id of ['a', 'b', 'c']) add(id, 'alice');
    expect(ids()).toEqual(['a', 'b', 'c']);
    expect(drain()).toEqual(['a', 'b', 'c']);
  });

  it('puts higher priority first, whatever the arrival order', () => {
    const { add, ids } = setup();
    add('low', 'alice', 0);
    add('high', 'alice', 5);
    add('mid', 'bob', 2);
    expect(ids()).toEqual(['high', 'mid', 'low']);
  });

  it('takes turns between callers, so a flood from one does not starve the other', () => {
    const { add, ids, drain } = setup();
    for (let i = 0; i < 5; i++) add(`flood${i}`, 'flooder');
    add('b1', 'bob');
    add('c1', 'carol');
    add('b2', 'bob');
    expect(ids()).toEqual(['flood0', 'b1', 'c1', 'flood1', 'b2', 'flood2', 'flood3', 'flood4']);
    expect(drain()).toEqual(['flood0', 'b1', 'c1', 'flood1', 'b2', 'flood2', 'flood3', 'flood4']);
  });

  it('keeps the rotation going as jobs are taken and new callers arrive', () => {
    const { add, queue, anything } = setup();
    add('a1', 'alice');
    add('a2', 'alice');
    add('b1', 'bob');
    expect(queue.takeFor(anything)?.id).toBe('a1');
    // carol joins at the end of the round: bob (whose turn it is) and alice were waiting before her.
    add('c1', 'carol');
    expect(queue.list().map((j) => j.id)).toEqual(['b1', 'a2', 'c1']);
    expect(queue.takeFor(anything)?.id).toBe('b1');
    expect(queue.takeFor(anything)?.id).toBe('a2');
    add('b2', 'bob');
    expect(queue.list().map((j) => j.id)).toEqual(['c1', 'b2']);
  });

  it('ages a waiting level past a newer higher one, so low priority does not starve', () => {
    const { add, ids, time } = setup(1);
    add('old-low', 'alice', 0);
    time.advance(4 * 60_000);
    add('new-high', 'bob', 3);
    expect(ids()).toEqual(['old-low', 'new-high']);
  });

  it('does not age when the rate is 0', () => {
    const { add, ids, time } = setup(0);
    add('old-low', 'alice', 0);
    time.advance(60 * 60_000);
    add('new-high', 'bob', 3);
    expect(ids()).toEqual(['new-high', 'old-low']);
  });

  it('orders by enqueuedAt even when jobs are enqueued out of order (a restart re-queues old jobs)', () => {
    const queue = createGatewayQueue({ now: () => 100, agingPerMinute: 0 });
    queue.enqueue({ id: 'late', caller: 'a', priority: 0, enqueuedAt: 50, requirements: plain });
    queue.enqueue({ id: 'early', caller: 'a', priority: 0, enqueuedAt: 10, requirements: plain });
    expect(queue.list().map((j) => j.id)).toEqual(['early', 'late']);
  });
});

describe('remove, position, get', () => {
  it('removes from the middle and the ends, and positions follow dispatch order', () => {
    const { add, queue, ids } = setup();
    add('a1', 'alice');
    add('a2', 'alice');
    add('b1', 'bob');
    add('a3', 'alice');
    expect(ids()).toEqual(['a1', 'b1', 'a2', 'a3']);
    expect(queue.position('a2')).toBe(3);
    expect(queue.remove('b1')?.id).toBe('b1');
    expect(queue.remove('b1')).toBeUndefined();
    expect(ids()).toEqual(['a1', 'a2', 'a3']);
    expect(queue.position('a3')).toBe(3);
    queue.remove('a1');
    queue.remove('a3');
    expect(ids()).toEqual(['a2']);
    expect(queue.position('a2')).toBe(1);
    expect(queue.get('a2')?.caller).toBe('alice');
    queue.remove('a2');
    expect(queue.size).toBe(0);
    expect(queue.position('a2')).toBeUndefined();
    expect(ids()).toEqual([]);
  });

  it('removing the caller whose turn it is passes the turn on', () => {
    const { add, queue, ids } = setup();
    add('a1', 'alice');
    add('b1', 'bob');
    add('c1', 'carol');
    queue.remove('a1');
    expect(ids()).toEqual(['b1', 'c1']);
  });

  it('refuses a job id already queued and a priority that is not a number', () => {
    const { add, queue } = setup();
    add('a', 'alice');
    expect(() => add('a', 'bob')).toThrow(/already queued/);
    expect(() => queue.enqueue({ id: 'n', caller: 'x', priority: Number.NaN, enqueuedAt: 0, requirements: plain })).toThrow(
      /priority/,
    );
    expect(queue.size).toBe(1);
  });
});

describe('takeFor', () => {
  const withoutX: CanRun = (req) => !req.classTypes.includes('X');

  it('skips jobs the backend cannot run and leaves them for another', () => {
    const { add, queue, ids } = setup();
    add('x1', 'alice', 5, needsX);
    add('p1', 'alice', 5);
    add('p2', 'bob', 0);
    expect(queue.takeFor(withoutX)?.id).toBe('p1');
    expect(queue.takeFor(withoutX)?.id).toBe('p2');
    expect(queue.takeFor(withoutX)).toBeUndefined();
    expect(ids()).toEqual(['x1']);
    expect(queue.takeFor(() => true)?.id).toBe('x1');
  });

  it('finds a runnable job again after a new arrival, once it has found nothing', () => {
    const { add, queue } = setup();
    add('x1', 'alice', 0, needsX);
    expect(queue.takeFor(withoutX)).toBeUndefined();
    add('p1', 'bob');
    expect(queue.takeFor(withoutX)?.id).toBe('p1');
  });

  it('a new predicate (capabilities changed) is asked afresh even with no new arrival', () => {
    const { add, queue } = setup();
    add('x1', 'alice', 0, needsX);
    expect(queue.takeFor(withoutX)).toBeUndefined();
    expect(queue.takeFor((req) => req.classTypes.includes('X'))?.id).toBe('x1');
  });

  it('serves every caller in turn across many takes (no caller waits more than one round)', () => {
    const { add, drain } = setup();
    for (let i = 0; i < 3; i++) for (const caller of ['a', 'b', 'c']) add(`${caller}${i}`, caller);
    expect(drain()).toEqual(['a0', 'b0', 'c0', 'a1', 'b1', 'c1', 'a2', 'b2', 'c2']);
  });

  it('stays consistent through a long random mix of enqueue, remove and take', () => {
    const { add, queue, anything } = setup();
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const alive = new Set<string>();
    for (let i = 0; i < 2_000; i++) {
      const r = random();
      if (r < 0.5) {
        add(`j${i}`, `c${Math.floor(random() * 5)}`, Math.floor(random() * 3));
        alive.add(`j${i}`);
      } else if (r < 0.75 && alive.size) {
        const id = [...alive][Math.floor(random() * alive.size)] as string;
        expect(queue.remove(id)?.id).toBe(id);
        alive.delete(id);
      } else {
        const listed = queue.list();
        const taken = queue.takeFor(anything);
        expect(taken?.id).toBe(listed[0]?.id);
        if (taken) alive.delete(taken.id);
      }
      expect(queue.size).toBe(alive.size);
    }
    expect(new Set(queue.list().map((j) => j.id))).toEqual(alive);
  });
});
