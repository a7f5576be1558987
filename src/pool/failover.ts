// What happens to a backend's jobs when it leaves the pool (ejected after failed probes) and when it comes back.
// Jobs sent but not started go back to the gateway's queue and are sent elsewhere with the same prompt_id; a job
// that was running is sent again up to `jobs.max_attempts` sends in all, else it fails naming the backend. When the
// backend returns, any of those prompts still queued there is deleted before it can run (and one it runs is
// interrupted), so no prompt runs twice. Jobs waiting in the gateway while no backend is up fail after
// `jobs.queue_timeout_s`.
import type { Logger } from '../log.js';
import type { SlotStore } from '../backends/slots.js';
import type { JobTracker } from '../jobs/tracker.js';
import type { Backend } from './backend.js';
import type { Dispatcher } from './dispatcher.js';
import type { Pool } from './pool.js';

export interface FailoverDeps {
  pool: Pool;
  tracker: JobTracker;
  slots: SlotStore;
  dispatcher: Dispatcher;
  maxAttempts: number;
  queueTimeoutMs: number;
  /** The reasons a caller reads, in the configured language. */
  reasons: { backendLost: (backend: string, url: string) => string; queueTimeout: (seconds: number) => string };
  log: Logger;
  onFailover?: (backend: string) => void;
  now?: () => number;
}

export interface Failover {
  onHealth(backend: Backend, up: boolean): void;
  /** Fails gateway-held jobs that waited too long with no backend up; the timer calls it. */
  expire(): void;
  stop(): void;
}

export function createFailover(deps: FailoverDeps): Failover {
  const now = deps.now ?? Date.now;
  /** prompt_id → the backend it was taken from: to be deleted there if that backend comes back with it. */
  const abandoned = new Map<string, string>();

  function fail(promptId: string, type: string, message: string): void {
    deps.tracker.apply(promptId, {
      type: 'execution_error',
      data: { prompt_id: promptId, node_id: null, node_type: null, exception_type: type, exception_message: message },
    });
  }

  async function left(backend: Backend): Promise<void> {
    const name = backend.name;
    // With nowhere else to go, its jobs stay with it: the watchdog follows them, as with a single ComfyUI.
    const elsewhere = deps.pool.list().some((other) => other !== backend && !deps.pool.isRetiring(other.name));
    if (!elsewhere) return;
    for (const job of deps.tracker.unfinished().filter((open) => open.backend === name)) {
      await deps.slots.release(name, job.promptId);
      const attempts = job.attempts ?? 1;
      const canRetry = deps.dispatcher.held(job.promptId) !== undefined && (job.status !== 'running' || attempts < deps.maxAttempts);
      if (!canRetry) {
        deps.log.warn({ promptId: job.promptId, backend: name, attempts }, 'job lost with its backend');
        fail(job.promptId, 'backend_lost', deps.reasons.backendLost(name, backend.spec.url));
        continue;
      }
      abandoned.set(job.promptId, name);
      deps.tracker.update(job.promptId, { backend: undefined, status: 'queued' });
      deps.log.info({ promptId: job.promptId, backend: name, attempts, was: job.status }, 'job sent elsewhere: its backend left');
      deps.onFailover?.(name);
      deps.dispatcher.requeue(job.promptId);
    }
    deps.dispatcher.pump();
  }

  /** The backend is back: what it still holds of the prompts taken from it must not run there too. */
  async function returned(backend: Backend): Promise<void> {
    const mine = [...abandoned].filter(([, from]) => from === backend.name).map(([id]) => id);
    if (mine.length) {
      const queue = await backend.client.getQueue();
      const pending = new Set(queue.queue_pending.map((item) => item[1]));
      const running = new Set(queue.queue_running.map((item) => item[1]));
      const stale = mine.filter((id) => pending.has(id));
      if (stale.length) await backend.client.deleteFromQueue(stale);
      for (const id of mine.filter((one) => running.has(one))) await backend.client.interrupt(id);
      if (stale.length) deps.log.info({ backend: backend.name, prompts: stale }, 'deleted prompts that were sent elsewhere meanwhile');
      for (const id of mine) abandoned.delete(id);
    }
    deps.dispatcher.pump();
  }

  function expire(): void {
    const anyUp = deps.pool.list().some((backend) => backend.up && !deps.pool.isRetiring(backend.name));
    if (anyUp) return;
    const at = now();
    for (const queued of deps.dispatcher.waiting()) {
      if (at - queued.enqueuedAt < deps.queueTimeoutMs) continue;
      deps.dispatcher.unqueue(queued.id);
      fail(queued.id, 'queue_timeout', deps.reasons.queueTimeout(Math.round(deps.queueTimeoutMs / 1000)));
    }
  }

  const timer = setInterval(() => {
    expire();
    deps.dispatcher.pump();
  }, Math.min(1_000, deps.queueTimeoutMs));
  timer.unref();

  return {
    onHealth(backend, up) {
      const step = up ? returned(backend) : left(backend);
      step.catch((error: unknown) => deps.log.warn({ err: error, backend: backend.name }, 'failover step failed'));
    },
    expire,
    stop: () => clearInterval(timer),
  };
}
