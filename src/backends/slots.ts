// Per-backend slot accounting: how many prompts the gateway keeps inside each ComfyUI (running + waiting there),
// and whether a backend is draining. The interface is asynchronous so a shared store (several gateway processes
// counting the same slots) can implement it; the in-memory one here serves a single process.

export interface Lease {
  jobId: string;
  backend: string;
  scenario: string;
  /** waiting: sent, queued inside ComfyUI; running: ComfyUI said it started. */
  state: 'waiting' | 'running';
  acquiredAt: number;
  startedAt?: number;
}

export interface SlotUsage {
  backend: string;
  slots: number;
  running: number;
  waiting: number;
  /** Slots a new job may take now: 0 while draining. */
  free: number;
  draining: boolean;
  leases: readonly Lease[];
}

export interface SlotStore {
  /** Adds a backend or changes its slot count; leases held stay (a smaller count just admits nothing new). */
  configure(backend: string, slots: number): Promise<void>;
  /** Drops a backend that left the pool; refused (false) while it still holds leases: drain it first. */
  forget(backend: string): Promise<boolean>;
  /** Takes a slot for the job if one is free and the backend is not draining; atomic in every implementation. */
  tryAcquire(backend: string, lease: { jobId: string; scenario: string; at: number }): Promise<boolean>;
  /**
   * Holds the slot of a job this process took over from one that died: the job is on the backend already, so its
   * lease is kept (renewed from here), or taken again if it lapsed, even past the slot count (it does occupy one).
   */
  keep(backend: string, lease: { jobId: string; scenario: string; at: number }): Promise<void>;
  markRunning(backend: string, jobId: string, at: number): Promise<void>;
  /** Frees the job's slot; the lease it held, or undefined when it held none. */
  release(backend: string, jobId: string): Promise<Lease | undefined>;
  setDraining(backend: string, draining: boolean): Promise<void>;
  usage(backend: string): Promise<SlotUsage | undefined>;
  all(): Promise<SlotUsage[]>;
}

interface BackendSlots {
  slots: number;
  draining: boolean;
  leases: Map<string, Lease>;
  /** Leases in state running, counted as they change: a usage is asked for on every submission. */
  running: number;
}

export function createMemorySlots(): SlotStore {
  const backends = new Map<string, BackendSlots>();

  // A single comfyui.url has no slot limit, so its leases are every prompt waiting in ComfyUI's queue: a usage
  // counts them without copying them, and lists them only when asked (choosing among several backends, the
  // backends route).
  function usageOf(backend: string, entry: BackendSlots): SlotUsage {
    const held = entry.leases.size;
    return {
      backend,
      slots: entry.slots,
      running: entry.running,
      waiting: held - entry.running,
      free: entry.draining ? 0 : Math.max(0, entry.slots - held),
      draining: entry.draining,
      get leases() {
        return [...entry.leases.values()];
      },
    };
  }

  return {
    async configure(backend, slots) {
      if (!Number.isInteger(slots) || slots < 1) throw new Error(`backend ${backend}: slots must be a whole number ≥ 1`);
      const entry = backends.get(backend);
      if (entry) entry.slots = slots;
      else backends.set(backend, { slots, draining: false, leases: new Map(), running: 0 });
    },
    async forget(backend) {
      const entry = backends.get(backend);
      if (entry?.leases.size) return false;
      backends.delete(backend);
      return true;
    },
    async tryAcquire(backend, { jobId, scenario, at }) {
      const entry = backends.get(backend);
      if (!entry || entry.draining || entry.leases.has(jobId) || entry.leases.size >= entry.slots) return false;
      entry.leases.set(jobId, { jobId, backend, scenario, state: 'waiting', acquiredAt: at });
      return true;
    },
    async keep(backend, { jobId, scenario, at }) {
      const entry = backends.get(backend);
      if (entry && !entry.leases.has(jobId)) entry.leases.set(jobId, { jobId, backend, scenario, state: 'waiting', acquiredAt: at });
    },
    async markRunning(backend, jobId, at) {
      const lease = backends.get(backend)?.leases.get(jobId);
      if (lease && lease.state === 'waiting') {
        lease.state = 'running';
        lease.startedAt = at;
        (backends.get(backend) as BackendSlots).running += 1;
      }
    },
    async release(backend, jobId) {
      const entry = backends.get(backend);
      const lease = entry?.leases.get(jobId);
      if (!entry || !lease) return undefined;
      entry.leases.delete(jobId);
      if (lease.state === 'running') entry.running -= 1;
      return lease;
    },
    async setDraining(backend, draining) {
      const entry = backends.get(backend);
      if (!entry) throw new Error(`backend ${backend} is not in the pool`);
      entry.draining = draining;
    },
    async usage(backend) {
      const entry = backends.get(backend);
      return entry && usageOf(backend, entry);
    },
    async all() {
      return [...backends].map(([backend, entry]) => usageOf(backend, entry));
    },
  };
}
