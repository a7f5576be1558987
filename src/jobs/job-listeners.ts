// Listeners kept per prompt, so an event costs the listeners of its own job only. Shared by the tracker (this
// process's jobs) and the shared-store reader (jobs written by other processes).
import type { JobListener, JobRecord } from './tracker.js';
import type { JobEvent } from './job-event.js';

export interface JobListeners {
  add(promptId: string, listener: JobListener): () => void;
  /** Tells the job's listeners; a listener that unsubscribes while being told does not disturb the others. */
  tell(promptId: string, event: JobEvent, job: JobRecord): void;
  clear(): void;
}

export function createJobListeners(): JobListeners {
  const byPrompt = new Map<string, Set<JobListener>>();
  return {
    add(promptId, listener) {
      let set = byPrompt.get(promptId);
      if (!set) byPrompt.set(promptId, (set = new Set()));
      set.add(listener);
      return () => {
        const current = byPrompt.get(promptId);
        if (!current?.delete(listener)) return;
        if (current.size === 0) byPrompt.delete(promptId);
      };
    },
    tell(promptId, event, job) {
      const own = byPrompt.get(promptId);
      if (own) for (const listener of [...own]) listener(event, job);
    },
    clear: () => byPrompt.clear(),
  };
}
