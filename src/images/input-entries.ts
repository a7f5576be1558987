// What the input folder holds, by name: each image's size, when it was last used, how many jobs hold it, and its
// content hash, read lazily for a file found on disk. The running byte count is kept here, next to the only
// places that change it.
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { hashFile } from './input-folder.js';

export interface Entry {
  name: string;
  size: number;
  /** Undefined for a file found on disk (at start-up, or put there by hand) until something needs its hash. */
  sha256: string | undefined;
  lastUsed: number;
  holds: number;
}

export interface InputEntries {
  get(name: string): Entry | undefined;
  has(name: string): boolean;
  values(): IterableIterator<Entry>;
  readonly size: number;
  readonly bytes: number;
  /** Adds or replaces an entry; a replaced one's holds carry over. */
  add(entry: Entry): void;
  forget(name: string): void;
  shaOf(entry: Entry): Promise<string>;
  /** The entry for a name, indexing a regular file that appeared on disk meanwhile; 'taken' for anything else there. */
  lookup(name: string): Promise<Entry | 'taken' | undefined>;
  /** Removals under way: a put of that name waits for it, so a removal never lands after a new write. */
  readonly removing: Map<string, Promise<void>>;
}

export function createInputEntries(dir: string, onForget: (name: string) => void): InputEntries {
  const entries = new Map<string, Entry>();
  const removing = new Map<string, Promise<void>>();
  let bytes = 0;

  function add(entry: Entry): void {
    const old = entries.get(entry.name);
    if (old) bytes -= old.size;
    entry.holds = old?.holds ?? entry.holds;
    entries.set(entry.name, entry);
    bytes += entry.size;
  }

  function forget(name: string): void {
    const entry = entries.get(name);
    if (!entry) return;
    bytes -= entry.size;
    entries.delete(name);
    onForget(name);
  }

  async function shaOf(entry: Entry): Promise<string> {
    entry.sha256 ??= await hashFile(path.join(dir, entry.name));
    return entry.sha256;
  }

  async function lookup(name: string): Promise<Entry | 'taken' | undefined> {
    await removing.get(name);
    const info = await lstat(path.join(dir, name)).catch(() => undefined);
    if (!info) {
      forget(name);
      return undefined;
    }
    if (!info.isFile()) return 'taken';
    const known = entries.get(name);
    if (known && known.size === info.size) return known;
    const entry: Entry = { name, size: info.size, sha256: undefined, lastUsed: info.mtimeMs, holds: 0 };
    add(entry);
    return entries.get(name);
  }

  return {
    get: (name) => entries.get(name),
    has: (name) => entries.has(name),
    values: () => entries.values(),
    get size() {
      return entries.size;
    },
    get bytes() {
      return bytes;
    },
    add,
    forget,
    shaOf,
    lookup,
    removing,
  };
}
