// In-memory slot accounting: acquire up to the slot count, running vs waiting, release, drain and resize.
import { describe, expect, it } from 'vitest';
import { createMemorySlots } from '../../../src/backends/slots.js';

const job = (jobId: string) => ({ jobId, scenario: 'txt2img', at: 1 });

describe('memory slots', () => {
  it('admits up to the slot count and no more, counting running and waiting', async () => {
    const slots = createMemorySlots();
    await slots.configure('gpu', 2);
    expect(await slots.tryAcquire('gpu', job('a'))).toBe(true);
    expect(await slots.tryAcquire('gpu', job('b'))).toBe(true);
    expect(await slots.tryAcquire('gpu', job('c'))).toBe(false);
    await slots.markRunning('gpu', 'a', 5);
    expect(await slots.usage('gpu')).toMatchObject({ slots: 2, running: 1, waiting: 1, free: 0, draining: false });
    expect((await slots.release('gpu', 'a'))?.startedAt).toBe(5);
    expect(await slots.usage('gpu')).toMatchObject({ running: 0, waiting: 1, free: 1 });
    expect(await slots.tryAcquire('gpu', job('c'))).toBe(true);
  });

  it('does not hand one job two slots, and releasing twice frees one', async () => {
    const slots = createMemorySlots();
    await slots.configure('gpu', 3);
    expect(await slots.tryAcquire('gpu', job('a'))).toBe(true);
    expect(await slots.tryAcquire('gpu', job('a'))).toBe(false);
    expect(await slots.release('gpu', 'a')).toBeDefined();
    expect(await slots.release('gpu', 'a')).toBeUndefined();
    expect((await slots.usage('gpu'))?.free).toBe(3);
  });

  it('refuses new work while draining and keeps what it has; resume admits again', async () => {
    const slots = createMemorySlots();
    await slots.configure('gpu', 2);
    await slots.tryAcquire('gpu', job('a'));
    await slots.setDraining('gpu', true);
    expect(await slots.tryAcquire('gpu', job('b'))).toBe(false);
    expect(await slots.usage('gpu')).toMatchObject({ free: 0, waiting: 1, draining: true });
    expect(await slots.forget('gpu')).toBe(false);
    await slots.release('gpu', 'a');
    expect(await slots.forget('gpu')).toBe(true);
    expect(await slots.usage('gpu')).toBeUndefined();
    await expect(slots.setDraining('gpu', false)).rejects.toThrow(/not in the pool/);
  });

  it('resumes a drained backend', async () => {
    const slots = createMemorySlots();
    await slots.configure('gpu', 1);
    await slots.setDraining('gpu', true);
    await slots.setDraining('gpu', false);
    expect(await slots.tryAcquire('gpu', job('a'))).toBe(true);
  });

  it('shrinking the slot count keeps held leases and admits nothing until under it', async () => {
    const slots = createMemorySlots();
    await slots.configure('gpu', 3);
    for (const id of ['a', 'b', 'c']) await slots.tryAcquire('gpu', job(id));
    await slots.configure('gpu', 1);
    expect(await slots.usage('gpu')).toMatchObject({ slots: 1, waiting: 3, free: 0 });
    await slots.release('gpu', 'a');
    await slots.release('gpu', 'b');
    expect(await slots.tryAcquire('gpu', job('d'))).toBe(false);
    await slots.release('gpu', 'c');
    expect(await slots.tryAcquire('gpu', job('d'))).toBe(true);
  });

  it('refuses an unknown backend and a slot count below one', async () => {
    const slots = createMemorySlots();
    expect(await slots.tryAcquire('nowhere', job('a'))).toBe(false);
    await expect(slots.configure('gpu', 0)).rejects.toThrow(/slots/);
    expect(await slots.all()).toEqual([]);
  });
});
