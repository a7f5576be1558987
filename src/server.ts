// The composition root as a function: config → dependencies → app → listening server. main.ts, the demo and the
// integration tests all start the gateway through here, so tests exercise exactly what production runs.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.js';
import { createLogger, type Logger } from './log.js';
import { createApp, type RouteGroup } from './app.js';
import type { ComfyClient } from './comfy/client.js';
import { randomUUID } from 'node:crypto';
import { createJobTracker, type JobTracker } from './jobs/tracker.js';
import type { Submitter } from './jobs/submit.js';
import { readPackageInfo } from './version.js';
import { rootRoutes } from './routes/root.js';
import { createSecurity, type UpgradeVerdict } from './security/security.js';
import type { RouteSpec } from './http/define-route.js';
import type { UpstreamEvents } from './comfy/events.js';
import { createClientHub, type ClientHub } from './jobs/client-hub.js';
import { createImageUrlBuilder } from './images/image-url.js';
import { createProgressRelay } from './jobs/relay.js';
import { createGatewaySockets, SOCKET_FACTS, type GatewaySockets } from './routes/ws.js';
import { healthRoutes } from './routes/health.js';
import { workflowRoutes } from './routes/workflows.js';
import { queueRoutes } from './routes/queue.js';
import { imageRoutes } from './routes/images.js';
import path from 'node:path';
import { docsRoutes } from './routes/docs.js';
import { consoleRoutes } from './routes/console.js';
import { readUiFiles } from './console/ui-files.js';
import { createJobFeed } from './jobs/job-feed.js';
import { trackedJobs } from './jobs/job-source.js';
import { poolChanges } from './console/pool-changes.js';
import { createRegistry, type ScenarioRegistry } from './scenarios/registry.js';
import { watchScenarios, type ScenarioWatcher } from './scenarios/watch.js';
import { scenarioRoutes } from './routes/scenarios.js';
import { scenarioImages } from './routes/scenario-images.js';
import { createImageInputsFromConfig } from './images/resolve-image-input.js';
import type { InputStore } from './images/input-store.js';
import { createInputStoreFromConfig } from './images/input-store-from-config.js';
import { translate } from './i18n.js';
import { createMetrics, type GatewayMetrics } from './metrics/metrics.js';
import { httpMetrics } from './metrics/http-metrics.js';
import { wireMetrics } from './metrics/wire-metrics.js';
import { metricsRoutes } from './routes/metrics.js';
import { createClosing } from './jobs/closing.js';
import { createJobRecovery } from './jobs/recover.js';
import type { Watchdog } from './jobs/watchdog.js';
import { createOutputMirror, type OutputMirror } from './jobs/mirror.js';
import { createConverter } from './outputs/convert.js';
import { createOutputDeliveries, type OutputDeliveries } from './outputs/delivery.js';
import { createRetention, type Retention } from './outputs/retention.js';
import { createPutterFromConfig, createSinks, putUrlCheck, sinkCheck } from './outputs/sinks.js';
import { deliveryRoutes } from './routes/deliveries.js';
import { createJobAnswers, jobRoutes, type JobRouteDeps } from './routes/jobs.js';
import { createHttpDrain } from './shutdown.js';
import { createWebhooksFromConfig } from './webhooks/from-config.js';
import { createIdempotency } from './http/idempotency.js';
import { createSubmitJob } from './jobs/submit-job.js';
import type { IdempotencyStore } from './http/idempotency-store.js';
import { createStoreFromConfig } from './store/from-config.js';
import { shareTracker } from './store/shared-tracker.js';
import { relayRemoteEvents } from './jobs/relay-remote.js';
import type { StateStore } from './store/types.js';
import { restoreInlined, takeInlined } from './jobs/outputs.js';
import { answerClientError } from './http/client-error.js';
import { createPoolInputs } from './pool/pool-inputs.js';
import { holdJobInputs } from './images/hold-job-inputs.js';
import { startPool, type GatewayPool } from './pool/start-pool.js';
import { adoptJobs } from './pool/adopt-jobs.js';
import { createAdoptedStreams } from './pool/adopted-streams.js';
import { backendRoutes } from './routes/backends.js';
import { watchConfig, type ConfigSource, type ConfigWatcher } from './pool/watch-config.js';

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
  // Idempotency answers, signature nonces, rate buckets, the webhook outbox, and with Redis job records and their
  // events: this process's memory, or Redis shared by every gateway process.
  const store = await createStoreFromConfig(config, log);
  // With a shared store this process writes its own jobs' records and events to it (the writer view every part of
  // the gateway uses), and the routes that follow a job also find other processes' jobs (the reader view).
  const ownJobs = createJobTracker();
  const sharedJobs = store.jobs?.({ ttlMs: config.store.job_ttl_s * 1000, upstreamClientId });
  const sharing = sharedJobs && shareTracker(ownJobs, sharedJobs);
  // The jobs waiting in this process's queue, where the process that adopts them can find them if this one dies.
  const sharedQueue = store.queue?.({ ttlMs: config.store.job_ttl_s * 1000, holder: upstreamClientId });
  const tracker = sharing?.writer ?? ownJobs;
  // Every input image given to the gateway is kept here first and pushed to the backend a job goes to.
  const inputs = await createInputStoreFromConfig(config, log);
  const poolInputs = createPoolInputs(inputs, () => pool.backends);
  // Every backend: its client, event stream, health and catalogue; the gateway's queue and the dispatcher.
  // A job's input images are held from its acceptance until it ends, so the folder's cleanup never takes them.
  const holds = holdJobInputs({ inputs, tracker });
  const pool = await startPool({
    config,
    tracker,
    upstreamClientId,
    log,
    metrics,
    beforeSend: poolInputs.beforeSend,
    holds,
    ...(store.slots ? { sharedSlots: store.slots() } : {}),
    ...(sharedQueue ? { sharedQueue } : {}),
  });
  const stopInputWatch = poolInputs.watch(pool.backends);
  const deliverInput = poolInputs.deliver;
  const comfy: ComfyClient = pool.client;
  const submit: Submitter = pool.dispatcher.submit;
  const imageUrl = createImageUrlBuilder({
    mode: config.images.url_mode,
    publicUrl: config.server.public_url,
    comfyuiUrl: config.comfyui.url,
    backendUrl: (name) => pool.backends.get(name)?.spec.url,
    nameBackends: () => pool.backends.list().length > 1,
  });
  // `?format=` conversions of image outputs, a few at a time (src/outputs/convert.ts).
  const converter = createConverter({
    concurrency: config.outputs.convert_concurrency,
    maxPixels: config.limits.image_pixels,
  });
  // Always listening: any scenario may ask for mirroring (outputs.mirror), and a reload may add one at any time.
  const mirror = createOutputMirror({ tracker, comfy, outputDir: config.folders.output, log });
  // Outputs uploaded to the configured sinks (src/outputs/delivery.ts); the mirror keeps the files meanwhile.
  const putter = createPutterFromConfig(config.outputs.put);
  const deliveries = createOutputDeliveries({
    putter,
    tracker,
    comfy,
    converter,
    outputDir: config.folders.output,
    sinks: createSinks(config.outputs, options.env ?? process.env),
    settings: config.outputs.delivery,
    log,
    copiesWritten: () => mirror.idle(),
  });
  // Copies in output/ expire and stay under a cap, except those a delivery still needs (src/outputs/retention.ts).
  const retention = createRetention({
    outputDir: config.folders.output,
    settings: config.outputs,
    needsCopy: (promptId) => deliveries.needsCopy(promptId),
    log,
  });
  // Following prompts (src/jobs, src/routes/jobs.ts). Closing ends the waits and SSE streams still open.
  const jobsClosing = createClosing();
  const recoverFromComfy = createJobRecovery({
    sources: () => pool.backends.list().map((backend) => ({ name: backend.name, comfy: backend.client })),
    tracker,
  });
  const jobDeps: JobRouteDeps = {
    tracker: sharing?.reader ?? tracker,
    comfy,
    imageUrl,
    // Another process's job is read from the shared store before ComfyUI is asked.
    recover: sharing ? async (id) => (await sharing.find(id)) ?? (await recoverFromComfy(id)) : recoverFromComfy,
    settings: config.jobs,
    log,
    closing: jobsClosing,
    // The recent jobs list and its live stream (the console's jobs page): every process's jobs with Redis.
    feed: createJobFeed({ source: sharing?.listed ?? trackedJobs(tracker), imageUrl, closing: jobsClosing }),
    queuePosition: pool.queuePosition,
    converter,
  };
  const jobs = createJobAnswers(jobDeps);
  // Job ends → signed POSTs (src/webhooks); Idempotency-Key on the two submit routes.
  const webhooks = createWebhooksFromConfig({
    config,
    tracker,
    imageUrl,
    log,
    store,
    ready: (job) => deliveries.settled(job.promptId),
  });
  const idempotencyStore = store.idempotency({
    maxKeys: config.idempotency.max_keys,
    maxBytes: config.idempotency.max_bytes,
    ttlMs: config.idempotency.ttl_s * 1000,
  });
  // Answers are kept without their inline images; a replay reads them again from ComfyUI's output folder.
  const idempotency = createIdempotency(idempotencyStore, {
    take: takeInlined,
    restore: (body, parts) =>
      restoreInlined(body, parts, { comfy: pool.viewerFor(body), converter }, config.jobs.base64_max_bytes),
  });
  // The one submission path of the workflow route, the scenario routes and the WebSocket `submit`.
  const submitJob = createSubmitJob({
    submit,
    webhooks,
    idempotency,
    result: jobs.withResult,
    sinks: sinkCheck(deliveries.sinkNames),
    putUrls: putUrlCheck(putter),
  });

  // Scenarios load before the server listens; a broken manifest is reported, never fatal.
  const registry = createRegistry({
    scenariosDir: config.folders.scenarios,
    templatesDir: config.folders.templates,
    limits: { workflowNodes: config.limits.workflow_nodes, workflowDepth: config.limits.workflow_depth },
    log,
    defaultMessage: translate(config.locale, 'scenario.submitted'),
    locale: config.locale,
    objectInfo: () => comfy.objectInfo(),
    ...(metrics ? { onReloaded: metrics.scenarioReload } : {}),
  });
  await registry.load();

  // Image values in any form (file name, data URL, base64, URL, form part) → a name kept in the input store.
  const images = await createImageInputsFromConfig(config, inputs, deliverInput);
  const scenarioImageStage = scenarioImages({
    images,
    maxFileBytes: config.limits.upload_bytes,
    maxFieldsBytes: config.limits.json_body_bytes,
  });
  // Keys, public keys and limits are read here, once: a bad one stops the start with its config key's name.
  const security = createSecurity({ config, store });
  const groups: RouteGroup[] = [
    rootRoutes({ pkg }),
    healthRoutes({ config, comfy, pool }),
    backendRoutes({
      pool,
      // The console's live backends: read again when a job or a backend's health changes.
      ...(jobDeps.feed
        ? { stream: { changes: poolChanges(pool, jobDeps.feed), closing: jobsClosing, onError: (err) => log.warn({ err }, 'backends stream reading failed') } }
        : {}),
    }),
    ...(metrics ? [metricsRoutes({ metrics })] : []),
    workflowRoutes({ config, comfy, submitJob, tracker, jobs, images, pool }),
    queueRoutes({ comfy, tracker, pool }),
    await imageRoutes({
      config,
      comfy,
      store: inputs,
      deliver: deliverInput,
      converter,
      findJob: async (id) => jobDeps.tracker.get(id) ?? (await jobDeps.recover(id)),
    }),
    scenarioRoutes({
      registry,
      submitJob,
      jobs,
      jsonLimitBytes: config.limits.json_body_bytes,
      images: scenarioImageStage,
      imageBodyLimitBytes: config.limits.image_body_bytes,
    }),
    jobRoutes(jobDeps),
    deliveryRoutes({ deliveries, findJob: async (id) => jobDeps.tracker.get(id) ?? (await jobDeps.recover(id)) }),
    consoleRoutes({
      files: readUiFiles(path.join(pkg.root, 'ui', 'dist'), { locale: config.locale }),
      authOn: security.multiTenant,
    }),
    // The document needs every static route's spec, known only once createApp has mounted them: read lazily.
    docsRoutes({
      info: { title: pkg.name, version: pkg.version },
      specs: () => specs,
      locale: config.locale,
      scenarios: registry,
      auth: config.auth,
    }),
  ];
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
  // Slow clients (slowloris) are cut: headers within headers_timeout_ms, the whole request within
  // request_timeout_ms. Node checks both on an interval, so it is kept short next to the timeouts.
  const headersTimeout = Math.min(config.server.headers_timeout_ms, config.server.request_timeout_ms);
  const server = createServer(
    {
      headersTimeout,
      requestTimeout: config.server.request_timeout_ms,
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(headersTimeout / 4))),
    },
    app.callback(),
  );
  server.on('clientError', answerClientError(config.locale));
  const httpDrain = createHttpDrain(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.server.port, config.server.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = config.server.host === '0.0.0.0' || config.server.host === '::' ? '127.0.0.1' : config.server.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  // The event flow: ComfyUI's stream → relay → tracker → the caller's sockets, SSE streams, waits and webhooks.
  // ComfyUI may not be up yet: the stream keeps trying in the background.
  const events = pool.backends.list()[0]!.events;
  const hub = createClientHub();
  const relay = createProgressRelay({ events: pool.events, tracker, hub, imageUrl, log });
  // Other processes' jobs → this process's sockets of their callers.
  const stopRemoteRelay = sharedJobs ? relayRemoteEvents({ shared: sharedJobs, hub, imageUrl }) : () => undefined;
  const unwireMetrics = metrics ? wireMetrics(metrics, { events, tracker, hub }) : () => undefined;
  // Each backend's catch-up after a reconnect and its watchdog, over the jobs it owns.
  const watchdog: Watchdog = pool.follow({ replay: relay.receive });
  // A dead process's jobs: the sent ones followed live under its client id, the waiting ones queued here again.
  const adoptedStreams = createAdoptedStreams({ pool: pool.backends, tracker, attach: pool.attach, replay: relay.receive, log });
  if (sharedJobs) {
    adoptJobs({
      shared: sharedJobs,
      queue: sharedQueue,
      tracker,
      replay: relay.receive,
      dispatcher: pool.dispatcher,
      pool: pool.backends,
      slots: pool.slots,
      streams: adoptedStreams,
      missingInputs: (names) => inputs.missing(names),
      reasons: {
        lost: translate(config.locale, 'reason.gateway_lost'),
        inputsNotShared: (names) => translate(config.locale, 'reason.inputs_not_shared', { names }),
      },
      log,
    });
  }
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
    async close() {
      // Waiting requests answer with their job's current status and SSE streams end, so the drain is not held.
      jobsClosing.close();
      jobDeps.feed?.close();
      watchdog.stop();
      // 1. No new connection from here on; requests in flight keep running (they may still need ComfyUI).
      const drained = httpDrain.drain(config.server.shutdown_timeout_ms);
      // 2. Upgraded sockets are no longer the HTTP server's connections: they get 1001 "going away" now.
      await Promise.all([sockets.close(), watcher?.close(), configWatcher?.close()]);
      registry.close();
      // 3. Wait for the answers in flight (bounded), and only then stop talking to ComfyUI.
      const result = await drained;
      if (!result.drained) log.warn({ cut: result.cut }, 'shutdown timeout: requests still running were cut');
      await adoptedStreams.close();
      relay.stop();
      stopRemoteRelay();
      // Deliveries still retrying are dropped (docs/webhooks.md: they do not survive a restart).
      await webhooks.stop();
      retention.stop();
      await deliveries.close();
      mirror.stop();
      await mirror.idle();
      unwireMetrics();
      stopInputWatch();
      holds.stop();
      inputs.close();
      // Past the deadline nobody waits for ComfyUI's answers any more: abort them instead of waiting.
      await pool.close({ force: !result.drained });
      await sharedJobs?.close();
      await store.close();
    },
  };
}
