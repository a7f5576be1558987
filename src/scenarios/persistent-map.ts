// An immutable map that makes its next version in time proportional to the change, not to its size: versions share
// one frozen base and each carries only its own small overlay of changed keys, folded into a fresh base once the
// overlay has grown to a quarter of the base (so the copy costs O(1) per change, amortised). Iteration order is a
// Map's: a changed key keeps its place, a new (or removed and re-added) key comes last.

type Slot<V> = { value: V; appended: boolean } | null; // null: deleted from the base

export class PersistentMap<K, V> implements ReadonlyMap<K, V> {
  readonly size: number;
  readonly #base: ReadonlyMap<K, V>;
  readonly #overlay: ReadonlyMap<K, Slot<V>>;

  private constructor(base: ReadonlyMap<K, V>, overlay: ReadonlyMap<K, Slot<V>>, size: number) {
    this.#base = base;
    this.#overlay = overlay;
    this.size = size;
    Object.freeze(this);
  }

  static empty<K, V>(): PersistentMap<K, V> {
    return new PersistentMap<K, V>(new Map(), new Map(), 0);
  }

  static from<K, V>(entries: Iterable<readonly [K, V]>): PersistentMap<K, V> {
    const base = new Map(entries);
    return new PersistentMap<K, V>(base, new Map(), base.size);
  }

  /** The next version: `undefined` deletes the key. The receiver is left as it was. */
  with(changes: Iterable<readonly [K, V | undefined]>): PersistentMap<K, V> {
    const overlay = new Map(this.#overlay);
    let size = this.size;
    for (const [key, value] of changes) {
      const had = this.#has(overlay, key);
      if (value === undefined) {
        if (!had) continue;
        size -= 1;
        if (this.#base.has(key)) overlay.set(key, null);
        else overlay.delete(key);
        continue;
      }
      if (!had) size += 1;
      const slot = overlay.get(key);
      if (had && slot !== undefined && slot !== null) overlay.set(key, { value, appended: slot.appended });
      else if (had) overlay.set(key, { value, appended: false }); // in the base, untouched so far: keeps its place
      else {
        overlay.delete(key); // a new key, or one deleted earlier: it goes last
        overlay.set(key, { value, appended: true });
      }
    }
    if (overlay.size > 8 && overlay.size * 4 > this.#base.size) {
      return PersistentMap.from(iterate(this.#base, overlay));
    }
    return new PersistentMap<K, V>(this.#base, overlay, size);
  }

  get(key: K): V | undefined {
    const slot = this.#overlay.get(key);
    if (slot === undefined) return this.#base.get(key);
    return slot === null ? undefined : slot.value;
  }

  has(key: K): boolean {
    return this.#has(this.#overlay, key);
  }

  #has(overlay: ReadonlyMap<K, Slot<V>>, key: K): boolean {
    const slot = overlay.get(key);
    return slot === undefined ? this.#base.has(key) : slot !== null;
  }

  entries(): MapIterator<[K, V]> {
    return iterate(this.#base, this.#overlay);
  }

  keys(): MapIterator<K> {
    return project(this.entries(), ([key]) => key);
  }

  values(): MapIterator<V> {
    return project(this.entries(), ([, value]) => value);
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return 'PersistentMap';
  }
}

function* iterate<K, V>(base: ReadonlyMap<K, V>, overlay: ReadonlyMap<K, Slot<V>>): MapIterator<[K, V]> {
  for (const [key, value] of base) {
    const slot = overlay.get(key);
    if (slot === undefined) yield [key, value];
    else if (slot !== null && !slot.appended) yield [key, slot.value];
  }
  for (const [key, slot] of overlay) if (slot?.appended) yield [key, slot.value];
}

function* project<T, U>(source: Iterable<T>, pick: (item: T) => U): MapIterator<U> {
  for (const item of source) yield pick(item);
}
