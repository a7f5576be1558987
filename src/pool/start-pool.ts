// The pool as the gateway runs it: the backends from the configuration, their slots, the dispatcher with the
// gateway's queue, the followers of every backend's stream and the failover between them, built in one place so
// server.ts wires one object. A gateway.yaml naming a single comfyui.url passes every prompt straight to that
// ComfyUI, whose own queue holds the waiting ones, exactly as before pools; a `backends` list (or COMFYUI_URLS)
// gets slots, the gateway-held queue and failover.
import type { ComfyClient, ViewFile } from '../comfy/client.js';
import type { Config } from '../config.js';
import { translate } from '../i18n.js';
import type { Logger } from '../log.js';
import type { GatewayMetrics } from '../metrics/metrics.js';
import { resolveBackends, type BackendSpec } from '../backends/backend-config.js';
import { createRunTimeEstimates } from '../backends/run-time-estimates.js';
import { createMemorySlots, type SlotStore } from '../backends/slots.js';
import type { SharedQueue, SharedSlots } from '../store/types.js';
import type { UpstreamEvents } from '../comfy/events.js';
import { queuePosition as positionInQueue } from '../jobs/recover.js';
import type { JobEvent } from '../jobs/job-event.js';
import type { JobRecord, JobTracker } from '../jobs/tracker.js';
import type { Watchdog } from '../jobs/watchdog.js';
import { createDispatcher, type BeforeSend, type Dispatcher, type DispatcherDeps } from './dispatcher.js';
import { createFailover } from './failover.js';
import { followBackends, type MergedEvents } from './follow-backends.js';
import { createPool, type Pool, type PoolChange } from './pool.js';
import { createPoolClient, type PoolClient } from './pool-client.js';

/** A single comfyui.url is not limited by the gateway: ComfyUI queues, as it did before pools. */
const PASS_THROUGH_SLOTS = 1_000_000;
/** How often a process with jobs waiting asks the shared slots again (another process may have freed one). */
const SHARED_SLOTS_RECHECK_MS = 250;

export interface GatewayPool {
  backends: Pool;
  client: PoolClient;
  dispatcher: Dispatcher;
  slots: SlotStore;
  /** Every backend's events of the prompts it owns. */
  events: MergedEvents;
  /** 1 = runs next: the place in the gateway's queue, else in the owning backend's queue. */
  queuePosition(job: JobRecord): Promise<number | undefined>;
  /** Reads the files of the job an answer names from the backend that ran it (idempotent replays). */
  viewerFor(answer: object): Pick<ComfyClient, 'view'>;
  /** Feeds another stream of a backend in like its own (a dead process's, adopted); returns the detach. */
  attach(backend: string, events: UpstreamEvents): () => void;
  /** Starts replaying history through the relay; returns the watchdogs of every backend as one. */
  follow(deps: { replay(event: JobEvent): void }): Watchdog;
  /** Stops (true) or resumes (false) new work to a backend; false when there is no such backend. */
  setDraining(name: string, draining: boolean): Promise<boolean>;
  /** Applies a new backend list (gateway.yaml reloaded); throws, leaving the pool as it was, on a bad list. */
  reload(config: Pick<Config, 'comfyui'>): PoolChange;
  close(options?: { force?: boolean }): Promise<void>;
}

export interface StartPoolDeps {
  config: Config;
  tracker: JobTracker;
  upstreamClientId: string;
  log: Logger;
  metrics: GatewayMetrics | undefined;
  beforeSend?: BeforeSend;
  holds?: DispatcherDeps['holds'];
  /** Slots counted with every other gateway process (the Redis store); else this process counts its own. */
  sharedSlots?: SharedSlots;
  /** Where jobs waiting in this process's queue are kept for an adopter (the Redis store). */
  sharedQueue?: SharedQueue;
}

export async function startPool(deps: StartPoolDeps): Promise<GatewayPool> {
  const { config, tracker, log } = deps;
  const passThrough = config.comfyui.backends.length === 0;
  const slotsOf = (spec: BackendSpec): number => (passThrough ? PASS_THROUGH_SLOTS : spec.slots);
  const specs = resolveBackends(config);
  const backends = createPool(specs, {
    upstreamClientId: deps.upstreamClientId,
    connectTimeoutMs: config.comfyui.connect_timeout_ms,
    requestTimeoutMs: config.comfyui.request_timeout_ms,
    wsReconnectMinMs: config.comfyui.ws_reconnect_min_ms,
    wsReconnectMaxMs: config.comfyui.ws_reconnect_max_ms,
    probeIntervalMs: config.comfyui.probe_interval_ms,
    ejectAfterFailures: config.comfyui.eject_after_failures,
    probeStream: config.comfyui.probe_stream,
    statsIntervalMs: config.comfyui.stats_interval_ms,
    wsCompression: config.comfyui.ws_compression,
    log,
    ...(deps.metrics ? { onOutcome: deps.metrics.upstreamCall } : {}),
  });
  // Shared only when there are backends to count for: pass-through has no limit to keep across processes.
  const shared = passThrough ? undefined : deps.sharedSlots;
  const slots: SlotStore = shared ?? createMemorySlots();
  const poolMetrics = deps.metrics?.pool;
  for (const spec of specs) await slots.configure(spec.name, slotsOf(spec));
  const client = createPoolClient(backends, (promptId) => tracker.get(promptId)?.backend);
  const dispatcher = createDispatcher({
    pool: backends,
    slots,
    tracker,
    estimates: createRunTimeEstimates(),
    upstreamClientId: deps.upstreamClientId,
    mirrorAll: config.jobs.mirror_outputs,
    defaultPriority: config.jobs.default_priority,
    log,
    ...(deps.beforeSend ? { beforeSend: deps.beforeSend } : {}),
    ...(deps.holds ? { holds: deps.holds } : {}),
    ...(deps.sharedQueue ? { sharedQueue: deps.sharedQueue } : {}),
    ...(poolMetrics ? { hooks: { dispatched: (name: string, ms: number) => poolMetrics.dispatched(name, ms / 1000) } } : {}),
  });
  // A slot another process frees is not announced here: while jobs wait in this process's queue, look again.
  const recheck = shared
    ? setInterval(() => {
        if (dispatcher.waiting().length > 0) dispatcher.pump();
      }, SHARED_SLOTS_RECHECK_MS)
    : undefined;
  recheck?.unref();
  const failover = createFailover({
    pool: backends,
    tracker,
    slots,
    dispatcher,
    maxAttempts: config.jobs.max_attempts,
    queueTimeoutMs: config.jobs.queue_timeout_s * 1000,
    reasons: {
      backendLost: (backend, url) => translate(config.locale, 'reason.backend_lost', { backend, url }),
      queueTimeout: (seconds) => translate(config.locale, 'reason.queue_timeout', { seconds }),
    },
    log,
    ...(poolMetrics ? { onFailover: poolMetrics.failedOver } : {}),
  });
  let replay: (event: JobEvent) => void = () => undefined;
  const followers = followBackends({
    pool: backends,
    tracker,
    slots,
    replay: (event) => replay(event),
    watchdog: {
      silenceMs: config.jobs.watchdog_silence_ms,
      intervalMs: config.jobs.poll_interval_ms,
      lostReason: translate(config.locale, 'reason.prompt_lost'),
    },
    onHealth(backend, up) {
      if (!up) poolMetrics?.ejected(backend.name);
      failover.onHealth(backend, up);
    },
    log,
  });

  /** A removed backend leaves once it holds no job: its slots are forgotten, its stream let go. */
  async function dropRetired(): Promise<void> {
    for (const backend of backends.list()) {
      if (!backends.isRetiring(backend.name)) continue;
      if (!(await slots.forget(backend.name))) continue;
      followers.unfollow(backend.name);
      await backends.drop(backend.name);
      log.info({ backend: backend.name }, 'backend left the pool');
    }
  }
  const offFinished = tracker.onFinished((job) => {
    if (job.backend !== undefined && job.startedAt !== undefined && job.finishedAt !== undefined && !job.recovered) {
      poolMetrics?.ran(job.backend, (job.finishedAt - job.startedAt) / 1000);
    }
    void dropRetired();
  });
  poolMetrics?.observe({
    slotsBusy: async () => (await slots.all()).map((use) => ({ backend: use.backend, busy: use.running + use.waiting })),
    waiting: () => dispatcher.waiting().length,
  });

  return {
    backends,
    client,
    dispatcher,
    slots,
    events: followers.events,
    async queuePosition(job) {
      if (job.backend === undefined) return dispatcher.position(job.promptId);
      const owner = backends.get(job.backend);
      return owner ? positionInQueue(await owner.client.getQueue(), job.promptId) : undefined;
    },
    viewerFor(answer) {
      const promptId = (answer as { data?: { prompt_id?: unknown } }).data?.prompt_id;
      const backend = typeof promptId === 'string' ? tracker.get(promptId)?.backend : undefined;
      return { view: (file: ViewFile, signal?: AbortSignal) => client.view({ ...file, backend }, signal) };
    },
    attach: (name, events) => followers.attach(name, events),
    follow(wiring) {
      replay = wiring.replay;
      return {
        check: followers.check,
        stop() {
          followers.stop();
          failover.stop();
          offFinished();
        },
      };
    },
    async setDraining(name, draining) {
      if (!backends.get(name) || backends.isRetiring(name)) return false;
      await slots.setDraining(name, draining);
      log.info({ backend: name }, draining ? 'backend draining: no new work' : 'backend resumed');
      if (!draining) dispatcher.pump();
      return true;
    },
    reload(next) {
      const nextSpecs = resolveBackends(next);
      const change = backends.apply(nextSpecs);
      void (async () => {
        for (const spec of nextSpecs) await slots.configure(spec.name, slotsOf(spec));
        for (const backend of change.removed) await slots.setDraining(backend.name, true);
        await dropRetired();
        dispatcher.pump();
      })().catch((error: unknown) => log.error({ err: error }, 'applying the new backend list failed'));
      return change;
    },
    close(options) {
      clearInterval(recheck);
      shared?.stop();
      return backends.close(options);
    },
  };
}
