// Following every backend's stream, for as long as it is in the pool: its events feed the one relay (only the
// events of prompts it owns: after a failover the old backend's word no longer counts), its `execution_start`
// marks the slot running, and it gets its own catch-up after a reconnect and its own watchdog over the jobs it
// owns. Backends added by a reload are followed from then on; removed ones are let go. A backend may have more
// streams than its own: one under a dead gateway process's client id, for the prompts this process adopted from it
// (attach(), src/pool/adopted-streams.ts); their events go the same way.
import type { UpstreamEventMap, UpstreamEventType, UpstreamEvents } from '../comfy/events.js';
import type { Logger } from '../log.js';
import type { SlotStore } from '../backends/slots.js';
import { catchUpAfterReconnect } from '../jobs/relay-catch-up.js';
import type { JobEvent } from '../jobs/job-event.js';
import type { JobTracker } from '../jobs/tracker.js';
import { createWatchdog, type Watchdog } from '../jobs/watchdog.js';
import type { Backend } from './backend.js';
import type { Pool } from './pool.js';

export interface MergedEvents {
  on<K extends UpstreamEventType>(type: K, listener: (data: UpstreamEventMap[K], backend: string) => void): () => void;
}

export interface FollowDeps {
  pool: Pool;
  tracker: JobTracker;
  slots: SlotStore;
  /** The relay's entry point, for replays from history. */
  replay(event: JobEvent): void;
  watchdog: { silenceMs: number; intervalMs: number; lostReason: string };
  /** Hears each backend's health changes (failover). */
  onHealth(backend: Backend, up: boolean): void;
  log: Logger;
}

export interface Followers {
  /** Every backend's events, each tagged with its backend; only events of prompts that backend owns. */
  events: MergedEvents;
  /** One watchdog round on every backend (tests, and anyone who knows the stream missed something). */
  check(): Promise<void>;
  /** Lets a backend that left the pool go. */
  unfollow(name: string): void;
  /** Feeds another stream of that backend in like its own; the returned function detaches it. */
  attach(name: string, events: UpstreamEvents): () => void;
  stop(): void;
}

type AnyListener = (data: never, backend: string) => void;

export function followBackends(deps: FollowDeps): Followers {
  const listeners = new Map<UpstreamEventType, Set<AnyListener>>();
  const followed = new Map<string, { watchdog: Watchdog; off: (() => void)[] }>();
  /** Streams fed in besides the backends' own (attach). */
  const attached = new Set<{ name: string; events: UpstreamEvents; off: (() => void)[] }>();

  /** An event of a prompt counts when the prompt is not (yet) recorded, or recorded as this backend's. */
  const owns = (backend: string, data: unknown): boolean => {
    const promptId = (data as { prompt_id?: unknown } | null)?.prompt_id;
    if (typeof promptId !== 'string') return true;
    const job = deps.tracker.get(promptId);
    return !job || job.backend === backend;
  };

  function subscribe(backend: { name: string; events: UpstreamEvents }, type: UpstreamEventType): () => void {
    return backend.events.on(type, (data) => {
      if (!owns(backend.name, data)) return;
      for (const listener of listeners.get(type) ?? []) listener(data as never, backend.name);
    });
  }

  const markRunning = (name: string, events: UpstreamEvents): (() => void) =>
    events.on('execution_start', (data) => {
      if (owns(name, data)) void deps.slots.markRunning(name, data.prompt_id, Date.now());
    });

  function follow(backend: Backend): void {
    const name = backend.name;
    const own: JobTracker = { ...deps.tracker, unfinished: () => deps.tracker.unfinished().filter((job) => job.backend === name) };
    const events: UpstreamEvents = backend.events;
    const off = [...listeners.keys()].map((type) => subscribe(backend, type));
    off.push(
      markRunning(name, events),
      catchUpAfterReconnect({ events, tracker: own, comfy: backend.client, replay: deps.replay, log: deps.log }),
      backend.onHealthChange((up) => deps.onHealth(backend, up)),
    );
    const watchdog = createWatchdog({
      tracker: own,
      comfy: backend.client,
      events,
      replay: deps.replay,
      silenceMs: deps.watchdog.silenceMs,
      intervalMs: deps.watchdog.intervalMs,
      lostReason: deps.watchdog.lostReason,
      log: deps.log.child({ backend: name }),
    });
    followed.set(name, { watchdog, off });
  }

  function unfollow(name: string): void {
    const entry = followed.get(name);
    if (!entry) return;
    entry.watchdog.stop();
    for (const stop of entry.off) stop();
    followed.delete(name);
  }

  for (const backend of deps.pool.list()) follow(backend);
  const offChange = deps.pool.onChange((change) => {
    for (const backend of change.added) follow(backend);
  });

  return {
    events: {
      on(type, listener) {
        let set = listeners.get(type);
        if (!set) {
          listeners.set(type, (set = new Set()));
          for (const backend of deps.pool.list()) followed.get(backend.name)?.off.push(subscribe(backend, type));
          for (const stream of attached) stream.off.push(subscribe(stream, type));
        }
        set.add(listener as AnyListener);
        return () => set.delete(listener as AnyListener);
      },
    },
    async check() {
      await Promise.all([...followed.values()].map((entry) => entry.watchdog.check()));
    },
    unfollow,
    attach(name, events) {
      const stream = { name, events, off: [] as (() => void)[] };
      stream.off.push(...[...listeners.keys()].map((type) => subscribe(stream, type)), markRunning(name, events));
      attached.add(stream);
      return () => {
        if (!attached.delete(stream)) return;
        for (const stop of stream.off) stop();
      };
    },
    stop() {
      offChange();
      for (const name of [...followed.keys()]) unfollow(name);
    },
  };
}
