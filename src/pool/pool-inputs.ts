// The input store meets the pool: an image is pushed to a backend right before a prompt naming it goes there, and a
// backend whose event stream dropped is assumed to have restarted with an empty input folder, so it gets them again.
import type { Workflow } from '../comfy/types.js';
import type { InputStore } from '../images/input-store.js';
import type { Pool } from './pool.js';
import type { Backend } from './backend.js';
import type { BeforeSend } from './dispatcher.js';

export interface PoolInputs {
  beforeSend: BeforeSend;
  /** What an upload does at once: with one backend it is pushed there (as before pools); with several, at dispatch. */
  deliver(name: string): Promise<void>;
  /** Starts watching the pool's streams (added backends included); returns the function that stops it. */
  watch(pool: Pool): () => void;
}

export function createPoolInputs(inputs: InputStore, pool: () => Pool): PoolInputs {
  return {
    beforeSend: (backend, prompt: Workflow) => inputs.ensureOn(backend, inputs.namesIn(prompt)),
    async deliver(name) {
      const backends = pool().list();
      if (backends.length === 1) await inputs.ensureOn(backends[0]!, [name]);
    },
    watch(watched) {
      const stops = new Map<string, () => void>();
      const follow = (backend: Backend): void => {
        stops.get(backend.name)?.();
        stops.set(
          backend.name,
          backend.events.onConnectionChange((connected) => {
            if (!connected) inputs.forgetBackend(backend.name);
          }),
        );
      };
      watched.list().forEach(follow);
      const offChange = watched.onChange((change) => {
        change.added.forEach(follow);
        for (const backend of change.removed) {
          stops.get(backend.name)?.();
          stops.delete(backend.name);
          inputs.forgetBackend(backend.name);
        }
      });
      return () => {
        offChange();
        for (const stop of stops.values()) stop();
        stops.clear();
      };
    },
  };
}
