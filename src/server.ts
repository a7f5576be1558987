// The composition root as a function: config → dependencies → app → listening server. main.ts, the demo and the
// integration tests all start the gateway through here, so tests exercise exactly what production runs. Each area
// is wired by its own factory (src/wiring/); this is the one place that calls them, in the order they must start.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Config } from './config.js';
import { createLogger, type Logger } from './log.js';
import { createApp } from './app.js';
import type { ComfyClient } from './comfy/client.js';
import type { UpstreamEvents } from './comfy/events.js';
import type { RouteSpec } from './http/define-route.js';
import type { IdempotencyStore } from './http/idempotency-store.js';
import { createImageUrlBuilder } from './images/image-url.js';
import type { InputStore } from './images/input-store.js';
import { createImageInputsFromConfig } from './images/resolve-image-input.js';
import type { ClientHub } from './jobs/client-hub.js';
import type { OutputMirror } from './jobs/mirror.js';
import type { Submitter } from './jobs/submit.js';
import type { JobTracker } from './jobs/tracker.js';
import type { Watchdog } from './jobs/watchdog.js';
import { createMetrics, type GatewayMetrics } from './metrics/metrics.js';
import { httpMetrics } from './metrics/http-metrics.js';
import type { OutputDeliveries } from './outputs/delivery.js';
import type { Retention } from './outputs/retention.js';
import type { GatewayPool } from './pool/start-pool.js';
import { watchConfig, type ConfigSource, type ConfigWatcher } from './pool/watch-config.js';
import { createGatewaySockets, SOCKET_FACTS, type GatewaySockets } from './routes/ws.js';
import type { ScenarioRegistry } from './scenarios/registry.js';
import { watchScenarios, type ScenarioWatcher } from './scenarios/watch.js';
import { createSecurity, type UpgradeVerdict } from './security/security.js';
import type { StateStore } from './store/types.js';
import { readPackageInfo } from './version.js';
import { startAdoption } from './wiring/adoption.js';
import { closeGateway } from './wiring/close-gateway.js';
import { startEventFlow } from './wiring/event-flow.js';
import { createJobFollowing } from './wiring/job-following.js';
import { listen } from './wiring/listen.js';
import { createOutputs } from './wiring/outputs.js';
import { startPoolWithInputs } from './wiring/pool-with-inputs.js';
import { createRouteGroups } from './wiring/route-groups.js';
import { loadScenarios } from './wiring/scenarios.js';
import { openSharedState } from './wiring/shared-state.js';
import { createSubmission } from './wiring/submission.js';

export interface Gateway {
  url: string;
  port: number;
  server: Server;
  comfy: ComfyClient;
  tracker: JobTracker;
  submit: Submitter;
  /** The client id the gateway uses on ComfyUI's WebSocket and in every prompt it submits. */
  upstreamClientId: string;
  /** Every static route's spec (what the OpenAPI document and the auth tests enumerate). */
  specs: readonly RouteSpec[];
  /** API key, rate limit and (when on for all routes) signature checks for a WebSocket upgrade request. */
  checkUpgrade(req: IncomingMessage): Promise<UpgradeVerdict>;
  /** Where shared state lives (gateway.yaml `store`). */
  store: StateStore;
  /** The first backend's event stream (one WebSocket per backend, all under upstreamClientId). */
  events: UpstreamEvents;
  /** The backends, the gateway's queue and the dispatcher in front of them. */
  pool: GatewayPool;
  /** caller client_id → its open gateway WebSockets. */
  hub: ClientHub;
  /** The scenario registry: `current()` snapshot, `onChange(listener)`. */
  registry: ScenarioRegistry;
  /** /api/v1/ws/{client_id}. */
  sockets: GatewaySockets;
  /** Polls ComfyUI for open jobs while its event stream is down or silent. */
  watchdog: Watchdog;
  /** Copies the finished results of mirrored jobs (jobs.mirror_outputs, or a manifest's outputs.mirror) to output/<prompt_id>/. */
  mirror: OutputMirror;
  /** Input images the gateway keeps (folders.input) and sends to ComfyUI when a prompt names them. */
  inputs: InputStore;
  /** Uploads of finished outputs to the configured sinks (outputs.sinks). */
  deliveries: OutputDeliveries;
  /** Expiry and size cap of the copies in output/ (outputs.retention_h, outputs.max_bytes). */
  retention: Retention;
  /** What Idempotency-Key answers hold now (entries and bytes), within idempotency.max_keys / max_bytes. */
  idempotency: Pick<IdempotencyStore, 'size' | 'bytes'>;
  log: Logger;
  /** Present when config metrics.enabled (the default): its registry is what GET /metrics serves. */
  metrics: GatewayMetrics | undefined;
  close(): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  /** The configuration file and how to read it again: its backend list is reloaded when it changes. */
  configSource?: ConfigSource;
  /** Where sink credentials are read from (the variables outputs.sinks names); process.env by default. */
  env?: NodeJS.ProcessEnv;
}

export async function startGateway(config: Config, options: StartOptions = {}): Promise<Gateway> {
  const log = options.log ?? createLogger(config);
  const pkg = readPackageInfo();
  const metrics = config.metrics.enabled ? createMetrics() : undefined;
  const upstreamClientId = `gateway-${randomUUID()}`;
  const state = await openSharedState(config, log, upstreamClientId);
  const { store, tracker, sharing, sharedJobs, sharedQueue } = state;
  const pooled = await startPoolWithInputs({ config, log, metrics, state, upstreamClientId });
  const { pool, inputs, deliverInput } = pooled;
  const comfy: ComfyClient = pool.client;
  const submit: Submitter = pool.dispatcher.submit;
  const imageUrl = createImageUrlBuilder({
    mode: config.images.url_mode,
    publicUrl: config.server.public_url,
    comfyuiUrl: config.comfyui.url,
    backendUrl: (name) => pool.backends.get(name)?.spec.url,
    nameBackends: () => pool.backends.list().length > 1,
  });
  const outputs = createOutputs({ config, tracker, comfy, log, env: options.env ?? process.env });
  const { converter, mirror, deliveries, retention } = outputs;
  const following = createJobFollowing({ config, log, tracker, sharing, comfy, imageUrl, pool, converter });
  const { jobs } = following;
  const { submitJob, webhooks, idempotencyStore } = createSubmission({
    config,
    log,
    store,
    tracker,
    imageUrl,
    pool,
    submit,
    jobs,
    outputs,
  });
  const registry = await loadScenarios({ config, log, comfy, metrics });

  // Image values in any form (file name, data URL, base64, URL, form part) → a name kept in the input store.
  const images = await createImageInputsFromConfig(config, inputs, deliverInput);
  // Keys, public keys and limits are read here, once: a bad one stops the start with its config key's name.
  const security = createSecurity({ config, store });
  const groups = await createRouteGroups({
    config,
    log,
    pkg,
    comfy,
    pool,
    tracker,
    metrics,
    inputs,
    deliverInput,
    images,
    converter,
    deliveries,
    following,
    submitJob,
    registry,
    security,
    specs: () => specs,
  });
  // gateway.yaml's backend list is followed from before the server listens (nothing is left to do after it but
  // what was there before pools, so a signal right after the start finds the shutdown handler installed).
  let configWatcher: ConfigWatcher | undefined;
  if (options.configSource) {
    configWatcher = watchConfig({ source: options.configSource, running: config, pool, log });
    await configWatcher.ready;
  }
  const { app, specs } = createApp({
    config,
    log,
    groups,
    guards: security,
    ...(metrics ? { observe: httpMetrics(metrics) } : {}),
  });

  // Watchers are ready before the server listens: once it does, startGateway returns without awaiting anything
  // more, so the caller's signal handlers are in place before the first request is served.
  let watcher: ScenarioWatcher | undefined;
  if (config.scenarios.watch) {
    watcher = watchScenarios({
      folders: [config.folders.scenarios, config.folders.templates],
      registry,
      debounceMs: config.scenarios.debounce_ms,
      log,
    });
    await watcher.ready;
  }
  const { server, httpDrain, port, url } = await listen(config, app.callback());

  const flow = startEventFlow({ pool, tracker, sharedJobs, imageUrl, metrics, log });
  const { events, hub, watchdog } = flow;
  const adoptedStreams = startAdoption({
    config,
    log,
    pool,
    tracker,
    inputs,
    sharedJobs,
    sharedQueue,
    replay: flow.relay.receive,
  });
  const sockets = createGatewaySockets({
    submitJob,
    hub,
    locale: config.locale,
    log,
    limits: config.websocket,
    publicUrl: config.server.public_url,
    workflowLimits: { maxNodes: config.limits.workflow_nodes, maxDepth: config.limits.workflow_depth },
    guard: security.authenticateUpgrade,
  });
  server.on('upgrade', sockets.handleUpgrade);

  // The live ComfyUI's node catalogue adds warnings only, so it is fetched in the background, not awaited.
  void registry.checkAgainstComfy();
  // Logged last: "listening" is what a supervisor or a test waits for, so it means every part has started.
  log.info({ url, comfyui: pool.backends.list().map((backend) => backend.spec.url) }, 'gateway listening');
  if (!security.multiTenant) {
    log.info('no API keys configured: single-tenant, every request sees and manages every job');
  }
  // Written out now, not with the next batch of lines (src/log-destination.ts): a supervisor is waiting for it.
  log.flush();

  return {
    url,
    port,
    server,
    comfy,
    tracker,
    submit,
    upstreamClientId,
    specs,
    checkUpgrade: async (req) => security.authenticateUpgrade(req, SOCKET_FACTS),
    store,
    events,
    pool,
    hub,
    sockets,
    watchdog,
    mirror,
    deliveries,
    retention,
    registry,
    idempotency: idempotencyStore,
    inputs,
    log,
    metrics,
    close: () =>
      closeGateway({
        shutdownTimeoutMs: config.server.shutdown_timeout_ms,
        log,
        store,
        sharedJobs,
        pooled,
        outputs,
        following,
        webhooks,
        registry,
        httpDrain,
        sockets,
        watcher,
        configWatcher,
        flow,
        adoptedStreams,
      }),
  };
}
