// The set of backends the gateway dispatches to, keyed by name, in configured order. A new list (gateway.yaml
// reloaded) is applied by difference: a new name starts a backend, a changed weight/slots/labels is taken over in
// place, a changed URL is a removal plus an addition, and a removed backend is drained and leaves once it holds no
// job (the `retire` hook decides when). Listeners hear additions and removals so per-backend followers (watchdog,
// catch-up, relay feed) start and stop with their backend.
import type { BackendSpec } from '../backends/backend-config.js';
import { createBackend, type Backend, type BackendDeps } from './backend.js';

export interface PoolChange {
  added: Backend[];
  removed: Backend[];
  /** Names listed again with another URL: left as they were. */
  moved: string[];
}

export interface Pool {
  /** Every backend in the pool, retiring ones included, in configured order. */
  list(): Backend[];
  get(name: string): Backend | undefined;
  /** Backends on their way out (removed from the configuration, still finishing their jobs). */
  isRetiring(name: string): boolean;
  /** The backend links and messages default to: the first one up, else the first configured. */
  primary(): Backend;
  /** Applies a new list; returns what changed. Removed backends are retired, not closed. */
  apply(specs: readonly BackendSpec[]): PoolChange;
  /** Closes a retired backend for good (called once it holds no job). */
  drop(name: string): Promise<void>;
  onChange(listener: (change: PoolChange) => void): () => void;
  close(options?: { force?: boolean }): Promise<void>;
}

export function createPool(specs: readonly BackendSpec[], deps: BackendDeps): Pool {
  if (specs.length === 0) throw new Error('a pool needs at least one backend');
  const backends = new Map<string, Backend>();
  const retiring = new Set<string>();
  const listeners = new Set<(change: PoolChange) => void>();

  function apply(next: readonly BackendSpec[]): PoolChange {
    const added: Backend[] = [];
    const removed: Backend[] = [];
    const moved: string[] = [];
    const wanted = new Map(next.map((spec) => [spec.name, spec]));
    for (const [name, backend] of backends) {
      const spec = wanted.get(name);
      if (!spec) {
        if (!retiring.has(name)) removed.push(backend);
        retiring.add(name);
      } else if (spec.url !== backend.spec.url) {
        // The name is what slots, jobs and links key on: a new address needs a new name (or a restart).
        moved.push(name);
      } else {
        backend.spec = spec;
        retiring.delete(name);
      }
    }
    for (const spec of next) {
      if (backends.has(spec.name)) continue;
      const backend = createBackend(spec, deps);
      backends.set(spec.name, backend);
      added.push(backend);
    }
    // Keep the configured order (Map order = insertion order); retiring ones go last.
    const ordered = [...backends.entries()].sort(([a], [b]) => orderOf(next, a) - orderOf(next, b));
    backends.clear();
    for (const [name, backend] of ordered) backends.set(name, backend);
    const change = { added, removed, moved };
    if (added.length || removed.length) for (const listener of listeners) listener(change);
    return change;
  }

  apply(specs);

  return {
    list: () => [...backends.values()],
    get: (name) => backends.get(name),
    isRetiring: (name) => retiring.has(name),
    primary() {
      const all = [...backends.values()];
      return all.find((backend) => backend.up && !retiring.has(backend.name)) ?? (all[0] as Backend);
    },
    apply,
    async drop(name) {
      const backend = backends.get(name);
      if (!backend || !retiring.has(name)) return;
      backends.delete(name);
      retiring.delete(name);
      await backend.close();
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close(options) {
      await Promise.all([...backends.values()].map((backend) => backend.close(options)));
    },
  };
}

function orderOf(specs: readonly BackendSpec[], name: string): number {
  const index = specs.findIndex((spec) => spec.name === name);
  return index < 0 ? specs.length : index;
}
