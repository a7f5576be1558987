// Per-backend metrics of the pool, labelled `backend`: how long jobs waited in the gateway's queue, how long they
// ran, dispatches, failovers, ejections, and slots in use (read at scrape time from the slot store).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface PoolLiveState {
  /** backend → slots taken (running + waiting inside it). */
  slotsBusy(): Promise<{ backend: string; busy: number }[]>;
  /** Jobs waiting in the gateway's queue. */
  waiting(): number;
}

export interface PoolMetrics {
  dispatched(backend: string, waitedSeconds: number): void;
  ran(backend: string, seconds: number): void;
  failedOver(backend: string): void;
  ejected(backend: string): void;
  observe(state: PoolLiveState): void;
}

export function createPoolMetrics(registry: Registry): PoolMetrics {
  const registers = [registry];
  const labelNames = ['backend'] as const;
  const wait = new Histogram({
    name: 'pool_queue_wait_seconds',
    help: "Time a job waited in the gateway's queue before it was sent, by the backend it went to",
    labelNames,
    buckets: [0.001, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers,
  });
  const run = new Histogram({
    name: 'pool_run_seconds',
    help: 'Start to finish of a job on its backend',
    labelNames,
    buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    registers,
  });
  const dispatches = new Counter({ name: 'pool_dispatches_total', help: 'Prompts sent to each backend', labelNames, registers });
  const failovers = new Counter({
    name: 'pool_failovers_total',
    help: 'Jobs taken from a backend that left the pool, to be sent elsewhere',
    labelNames,
    registers,
  });
  const ejections = new Counter({ name: 'pool_ejections_total', help: 'Times a backend was taken out of the pool', labelNames, registers });
  let live: PoolLiveState | undefined;
  new Gauge({
    name: 'pool_slots_busy',
    help: 'Slots in use on each backend (prompts running or waiting inside it)',
    labelNames,
    registers,
    async collect() {
      this.reset();
      for (const { backend, busy } of (await live?.slotsBusy()) ?? []) this.set({ backend }, busy);
    },
  });
  new Gauge({
    name: 'pool_queue_waiting',
    help: "Jobs waiting in the gateway's queue",
    registers,
    collect() {
      this.set(live?.waiting() ?? 0);
    },
  });
  return {
    dispatched(backend, waitedSeconds) {
      dispatches.inc({ backend });
      wait.observe({ backend }, waitedSeconds);
    },
    ran: (backend, seconds) => run.observe({ backend }, seconds),
    failedOver: (backend) => failovers.inc({ backend }),
    ejected: (backend) => ejections.inc({ backend }),
    observe(state) {
      live = state;
    },
  };
}
