// The gateway's Prometheus metrics, in a Registry of its own (never prom-client's global one: two gateways in one
// process, as in the tests, must not count into each other). The rest of the code reports through the small
// methods below and never touches prom-client; gauges that mirror live state (connections, upstream up) are read
// at scrape time through `collect`, so nothing has to remember to update them.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { UpstreamFailureKind } from '../comfy/client.js';
import { createPoolMetrics, type PoolMetrics } from './pool-metrics.js';

/** Upstream trouble, by what a person would look for first; `websocket_lost`: the event stream dropped. */
export type UpstreamErrorKind = UpstreamFailureKind | 'websocket_lost';

export interface LiveState {
  /** Open gateway WebSockets. */
  websocketConnections(): number;
  /** The upstream event stream is connected. */
  upstreamConnected(): boolean;
}

export interface GatewayMetrics {
  readonly registry: Registry;
  /** Per backend of the pool (src/metrics/pool-metrics.ts). */
  readonly pool: PoolMetrics;
  /** route is a template (`/api/v1/jobs/{prompt_id}`) or `unmatched`, never a raw path. */
  httpRequest(route: string, method: string, code: number, seconds: number): void;
  scenarioSubmitted(scenario: string): void;
  jobFinished(scenario: string, outcome: string, seconds: number): void;
  queueDepth(remaining: number): void;
  /** Every upstream HTTP call's outcome: ok, or the kind of failure (also counted in upstream_errors_total). */
  upstreamCall(outcome: 'ok' | UpstreamErrorKind): void;
  upstreamError(kind: UpstreamErrorKind): void;
  scenarioReload(ok: boolean): void;
  /** Reads live gauges from the running gateway (set once its parts exist). */
  observe(state: LiveState): void;
}

export function createMetrics(options: { defaults?: boolean } = {}): GatewayMetrics {
  const registry = new Registry();
  // The event-loop delay histogram samples on a timer; prom-client's 10 ms wakes an idle gateway 100 times a
  // second (about 5 ms of CPU per second on a 2 vCPU machine, docs/performance.md). Every 100 ms still catches
  // any stall long enough to matter to a caller.
  if (options.defaults !== false) collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });
  const registers = [registry];

  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by route template, method and status code',
    labelNames: ['route', 'method', 'code'] as const,
    registers,
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from a request arriving to its response being handed to Node (streamed bodies continue after)',
    labelNames: ['route', 'method'] as const,
    // From a cached answer (~0.5 ms) to a slow upstream (the 30 s request timeout).
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const submissions = new Counter({
    name: 'scenario_submissions_total',
    help: 'Prompts queued in ComfyUI by scenario (raw workflow submissions count as "(workflow)")',
    labelNames: ['scenario'] as const,
    registers,
  });
  const jobs = new Histogram({
    name: 'job_duration_seconds',
    help: 'Submit to finish of a prompt, by scenario and outcome (succeeded, failed, interrupted, cancelled)',
    labelNames: ['scenario', 'outcome'] as const,
    buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
    registers,
  });
  const queue = new Gauge({
    name: 'comfyui_queue_depth',
    help: "Prompts pending or running in ComfyUI, from its latest status event",
    registers,
  });
  let live: LiveState | undefined;
  let lastCallOk = true;
  new Gauge({
    name: 'comfyui_up',
    help: 'ComfyUI reachable: 1 when the upstream WebSocket is connected and the latest HTTP call did not fail',
    registers,
    collect() {
      this.set(live?.upstreamConnected() && lastCallOk ? 1 : 0);
    },
  });
  const upstreamErrors = new Counter({
    name: 'upstream_errors_total',
    help: 'Failures talking to ComfyUI by kind (refused, timeout, bad_answer, websocket_lost, …)',
    labelNames: ['kind'] as const,
    registers,
  });
  const reloads = new Counter({ name: 'scenario_reloads_total', help: 'Scenario registry reloads', registers });
  const reloadFailures = new Counter({
    name: 'scenario_reload_failures_total',
    help: 'Reloads in which at least one manifest failed to load (its last good version keeps serving)',
    registers,
  });
  new Gauge({
    name: 'websocket_connections',
    help: 'Open gateway WebSockets (/api/v1/ws/{client_id})',
    registers,
    collect() {
      this.set(live?.websocketConnections() ?? 0);
    },
  });

  return {
    registry,
    pool: createPoolMetrics(registry),
    httpRequest(route, method, code, seconds) {
      requests.inc({ route, method, code: String(code) });
      duration.observe({ route, method }, seconds);
    },
    scenarioSubmitted: (scenario) => submissions.inc({ scenario }),
    jobFinished: (scenario, outcome, seconds) => jobs.observe({ scenario, outcome }, seconds),
    queueDepth: (remaining) => queue.set(remaining),
    upstreamCall(outcome) {
      lastCallOk = outcome === 'ok';
      if (outcome !== 'ok') upstreamErrors.inc({ kind: outcome });
    },
    upstreamError: (kind) => upstreamErrors.inc({ kind }),
    scenarioReload(ok) {
      reloads.inc();
      if (!ok) reloadFailures.inc();
    },
    observe(state) {
      live = state;
    },
  };
}
