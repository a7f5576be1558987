// A reverse index kept up to date one file at a time: key → the files that name it (a template → the manifests
// that use it; a route name → the manifests that claim it). An edit re-links only the edited file, so its cost
// does not grow with the number of scenarios.
export interface ReverseIndex {
  /** The files that currently name `key`. */
  filesOf(key: string): Iterable<string>;
  /** The keys `file` currently names. */
  keysOf(file: string): readonly string[];
  /** Replaces the keys `file` names (an empty list forgets the file). */
  link(file: string, keys: readonly string[]): void;
}

export function createReverseIndex(): ReverseIndex {
  const keysByFile = new Map<string, readonly string[]>();
  const filesByKey = new Map<string, Set<string>>();
  return {
    filesOf: (key) => filesByKey.get(key) ?? [],
    keysOf: (file) => keysByFile.get(file) ?? [],
    link(file, keys) {
      for (const key of keysByFile.get(file) ?? []) {
        const files = filesByKey.get(key);
        files?.delete(file);
        if (files?.size === 0) filesByKey.delete(key);
      }
      for (const key of keys) {
        let files = filesByKey.get(key);
        if (!files) filesByKey.set(key, (files = new Set()));
        files.add(file);
      }
      if (keys.length) keysByFile.set(file, [...keys]);
      else keysByFile.delete(file);
    },
  };
}
