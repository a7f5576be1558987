// The queue's array order must evolve as CPython's heapq does (GET /queue shows it raw).
import { describe, expect, it } from 'vitest';
import { heapify, heappop, heappush } from '../src/heap.js';

type Item = [number, string];
const less = (a: Item, b: Item): boolean => (a[0] !== b[0] ? a[0] < b[0] : a[1] < b[1]);

describe('heap (a port of heapq)', () => {
  it('matches CPython array order after pushes, a pop and a delete + heapify', () => {
    const h: Item[] = [];
    for (const x of [[5, 'a'], [3, 'b'], [-1, 'c'], [4, 'd'], [3, 'a'], [0, 'e'], [2, 'f']] as Item[]) heappush(h, x, less);
    // Expected arrays printed by Python 3.11's heapq for the same operations.
    expect(h).toEqual([[-1, 'c'], [3, 'a'], [0, 'e'], [5, 'a'], [4, 'd'], [3, 'b'], [2, 'f']]);
    expect(heappop(h, less)).toEqual([-1, 'c']);
    expect(h).toEqual([[0, 'e'], [3, 'a'], [2, 'f'], [5, 'a'], [4, 'd'], [3, 'b']]);
    h.splice(2, 1);
    heapify(h, less);
    expect(h).toEqual([[0, 'e'], [3, 'a'], [5, 'a'], [4, 'd'], [3, 'b']]);
  });

  it('pops in order and empties cleanly', () => {
    const h: Item[] = [];
    for (const n of [9, 1, 8, 2, 7, 3]) heappush(h, [n, ''], less);
    const out: number[] = [];
    for (let x = heappop(h, less); x; x = heappop(h, less)) out.push(x[0]);
    expect(out).toEqual([1, 2, 3, 7, 8, 9]);
    expect(heappop(h, less)).toBeUndefined();
  });
});
