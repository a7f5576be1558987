// No job stays "running" forever. While ComfyUI's event stream is down, or has said nothing for
// `jobs.watchdog_silence_ms`, the open jobs are looked up every `jobs.poll_interval_ms` in ComfyUI's queue and
// history: a finished one gets its outputs and final event replayed through the relay (the same reconcile step as
// the catch-up after a reconnect, reconcile.ts), so its waiters, SSE streams, sockets and webhooks all hear the
// end. A job that is in neither the queue nor the history twice in a row (ComfyUI restarted and forgot it) is
// failed with a reason the caller can read. Recovered jobs (submitted by another gateway) are always polled: their
// events never reach this gateway's socket.
import type { ComfyClient } from '../comfy/client.js';
import type { UpstreamEvents } from '../comfy/events.js';
import type { Logger } from '../log.js';
import type { JobEvent } from './job-event.js';
import { reconcileFromHistory } from './reconcile.js';
import type { JobRecord, JobTracker } from './tracker.js';

export interface WatchdogDeps {
  tracker: JobTracker;
  comfy: Pick<ComfyClient, 'getQueue' | 'getHistory'>;
  events: Pick<UpstreamEvents, 'connected' | 'onAny' | 'onConnectionChange'>;
  /** The relay's entry point (ProgressRelay.receive), so every listener hears what the watchdog learns. */
  replay(event: JobEvent): void;
  silenceMs: number;
  intervalMs: number;
  /** The error message of a job ComfyUI no longer knows (in the configured language). */
  lostReason: string;
  log: Logger;
  now?: () => number;
}

export interface Watchdog {
  /** One round now (the timer calls it; tests may too). Never throws. */
  check(): Promise<void>;
  stop(): void;
}

/** How many rounds in a row a job must be missing from both queue and history before it is given up. */
const MISSES_TO_GIVE_UP = 2;

export function createWatchdog(deps: WatchdogDeps): Watchdog {
  const now = deps.now ?? Date.now;
  let lastEventAt = now();
  let busy = false;
  const misses = new Map<string, number>();
  const offEvent = deps.events.onAny(() => {
    lastEventAt = now();
  });
  // A fresh connection gets a full silence window: the catch-up after a reconnect covers the first moments.
  const offConnection = deps.events.onConnectionChange(() => {
    lastEventAt = now();
  });
  const timer = setInterval(() => void check(), deps.intervalMs);
  timer.unref();

  async function check(): Promise<void> {
    if (busy) return;
    const open = deps.tracker.unfinished();
    if (open.length === 0) return;
    const silent = !deps.events.connected || now() - lastEventAt >= deps.silenceMs;
    const targets = silent ? open : open.filter((job) => job.recovered);
    if (targets.length === 0) return;
    busy = true;
    try {
      await poll(targets);
    } catch (error) {
      // ComfyUI unreachable: the next round tries again.
      deps.log.debug({ err: error, jobs: targets.length }, 'watchdog could not reach ComfyUI');
    } finally {
      busy = false;
    }
  }

  async function poll(jobs: JobRecord[]): Promise<void> {
    // Queue before history: a prompt that finishes between the two reads is then found in the history.
    const queue = await deps.comfy.getQueue();
    const running = new Set(queue.queue_running.map((item) => item[1]));
    const pending = new Set(queue.queue_pending.map((item) => item[1]));
    const polled = new Set<string>();
    for (const job of jobs) {
      const id = job.promptId;
      polled.add(id);
      if (running.has(id) || pending.has(id)) {
        if (running.has(id)) deps.tracker.advance(id, 'running');
        misses.delete(id);
        continue;
      }
      const reconciled = await reconcileFromHistory(deps, job);
      if (reconciled === 'ended') continue; // the live stream delivered the end meanwhile
      if (reconciled === 'replayed') {
        misses.delete(id);
        deps.log.info({ promptId: id }, 'watchdog finished a job from ComfyUI history');
        continue;
      }
      const count = (misses.get(id) ?? 0) + 1;
      if (count < MISSES_TO_GIVE_UP) {
        misses.set(id, count);
        continue;
      }
      misses.delete(id);
      deps.log.warn({ promptId: id }, 'ComfyUI no longer knows an open job; marking it failed');
      deps.replay({
        type: 'execution_error',
        data: { prompt_id: id, node_id: null, node_type: null, exception_type: 'prompt_lost', exception_message: deps.lostReason },
      });
    }
    for (const id of misses.keys()) if (!polled.has(id)) misses.delete(id);
  }

  return {
    check,
    stop() {
      clearInterval(timer);
      offEvent();
      offConnection();
    },
  };
}
