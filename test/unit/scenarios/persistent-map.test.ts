// The snapshot maps: every version is immutable, keeps a Map's iteration order, and shares the unchanged part with
// the one it came from (checked against a plain Map through a long random sequence, across compactions).
import { describe, expect, it } from 'vitest';
import { PersistentMap } from '../../../src/scenarios/persistent-map.js';

describe('PersistentMap', () => {
  it('leaves earlier versions as they were', () => {
    const a = PersistentMap.from([['x', 1], ['y', 2]]);
    const b = a.with([['x', 10], ['z', 3]]);
    const c = b.with([['y', undefined]]);
    expect([...a]).toEqual([['x', 1], ['y', 2]]);
    expect([...b]).toEqual([['x', 10], ['y', 2], ['z', 3]]);
    expect([...c]).toEqual([['x', 10], ['z', 3]]);
    expect([a.size, b.size, c.size]).toEqual([2, 3, 2]);
    expect(c.has('y')).toBe(false);
    expect(c.get('y')).toBeUndefined();
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('orders keys like a Map: a changed key keeps its place, a re-added key goes last', () => {
    const map = PersistentMap.from([['a', 1], ['b', 2], ['c', 3]]).with([['a', undefined]]).with([['b', 20], ['a', 1]]);
    expect([...map.keys()]).toEqual(['b', 'c', 'a']);
    expect([...map.values()]).toEqual([20, 3, 1]);
  });

  it('matches a plain Map through random changes', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const reference = new Map<number, number>();
    let map = PersistentMap.empty<number, number>();
    const versions: [PersistentMap<number, number>, [number, number][]][] = [];
    for (let step = 0; step < 2000; step++) {
      const changes: [number, number | undefined][] = [];
      for (let i = random(4); i >= 0; i--) changes.push([random(60), random(3) === 0 ? undefined : step]);
      for (const [key, value] of changes) {
        if (value === undefined) reference.delete(key);
        else reference.set(key, value);
      }
      map = map.with(changes);
      expect([...map]).toEqual([...reference]);
      expect(map.size).toBe(reference.size);
      if (step % 100 === 0) versions.push([map, [...reference]]);
    }
    for (const [version, entries] of versions) expect([...version]).toEqual(entries);
  });
});
