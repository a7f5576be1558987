// Choosing a backend: eligibility, model affinity, earliest start, weight, and spreading among equals.
import { describe, expect, it } from 'vitest';
import { chooseBackend, startsInMs, type Candidate } from '../../../src/backends/choose-backend.js';
import type { Lease } from '../../../src/backends/slots.js';

const idle = (name: string, extra: Partial<Candidate> = {}): Candidate => ({
  name,
  weight: 1,
  up: true,
  draining: false,
  freeSlots: 2,
  capable: true,
  startsInMs: 0,
  lastChosenAt: 0,
  ...extra,
});

describe('chooseBackend', () => {
  it('passes over backends that are down, draining, full or not capable', () => {
    const candidates = [
      idle('down', { up: false }),
      idle('draining', { draining: true }),
      idle('full', { freeSlots: 0 }),
      idle('lacking', { capable: false }),
      idle('ok', { startsInMs: 50_000, weight: 0.1, lastChosenAt: 99 }),
    ];
    expect(chooseBackend(candidates, {})?.name).toBe('ok');
    expect(chooseBackend(candidates.slice(0, 4), {})).toBeUndefined();
    expect(chooseBackend([], {})).toBeUndefined();
  });

  it('prefers the backend that last ran the same checkpoint, even when another would start sooner', () => {
    const candidates = [idle('cold'), idle('warm', { lastCheckpoint: 'sdxl.safetensors', startsInMs: 4_000 })];
    expect(chooseBackend(candidates, { checkpoint: 'sdxl.safetensors' })?.name).toBe('warm');
    expect(chooseBackend(candidates, { checkpoint: 'sd15.safetensors' })?.name).toBe('cold');
    expect(chooseBackend(candidates, {})?.name).toBe('cold');
  });

  it('then prefers the earliest start, then the higher weight', () => {
    expect(chooseBackend([idle('later', { startsInMs: 900 }), idle('sooner', { startsInMs: 100 })], {})?.name).toBe('sooner');
    expect(chooseBackend([idle('light', { weight: 1 }), idle('heavy', { weight: 3 })], {})?.name).toBe('heavy');
    expect(
      chooseBackend([idle('heavy-but-busy', { weight: 3, startsInMs: 10 }), idle('light-idle', { weight: 1 })], {})?.name,
    ).toBe('light-idle');
  });

  it('spreads jobs across equal idle backends instead of always picking the same one', () => {
    const pool = ['gpu-0', 'gpu-1', 'gpu-2', 'gpu-3'].map((name) => idle(name));
    const picks: string[] = [];
    for (let tick = 1; tick <= 12; tick++) {
      const chosen = chooseBackend(pool, {});
      if (!chosen) throw new Error('nothing chosen');
      picks.push(chosen.name);
      chosen.lastChosenAt = tick;
    }
    const counts = new Map<string, number>();
    for (const name of picks) counts.set(name, (counts.get(name) ?? 0) + 1);
    expect([...counts.values()]).toEqual([3, 3, 3, 3]);
    // Each round of four visits every backend once.
    expect(new Set(picks.slice(0, 4)).size).toBe(4);
  });

  it('does not depend on the order the candidates are given in', () => {
    const pool = [idle('b', { lastChosenAt: 5 }), idle('a', { lastChosenAt: 5 }), idle('c', { lastChosenAt: 2 })];
    expect(chooseBackend(pool, {})?.name).toBe('c');
    expect(chooseBackend([...pool].reverse(), {})?.name).toBe('c');
    expect(chooseBackend(pool.slice(0, 2), {})?.name).toBe('a');
    expect(chooseBackend(pool.slice(0, 2).reverse(), {})?.name).toBe('a');
  });
});

describe('startsInMs', () => {
  const lease = (scenario: string, state: Lease['state'], startedAt?: number): Lease => ({
    jobId: scenario,
    backend: 'b',
    scenario,
    state,
    acquiredAt: 0,
    ...(startedAt === undefined ? {} : { startedAt }),
  });
  const estimate = (scenario: string) => (scenario === 'long' ? 10_000 : 1_000);

  it('adds what the running job has left and the waiting jobs in full', () => {
    expect(startsInMs([], estimate, 5_000)).toBe(0);
    expect(startsInMs([lease('long', 'running', 4_000), lease('short', 'waiting')], estimate, 7_000)).toBe(7_000 + 1_000);
  });

  it('counts a job running past its estimate as about to finish, not as negative time', () => {
    expect(startsInMs([lease('short', 'running', 0), lease('short', 'waiting')], estimate, 60_000)).toBe(1_000);
  });
});
