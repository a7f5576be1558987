// One ComfyUI server of the pool: its HTTP client, its event stream (under the gateway's one upstream client id,
// so it hears every prompt the gateway sends it), its health and what it can run. Health is probed, not assumed:
// /system_stats and /queue every `probe_interval_ms`; `eject_after_failures` failures in a row take it out of the
// pool (`up: false`), and the probe keeps trying with backoff so it comes back by itself.
// While the backend's event stream is open, answers its pings and nothing has failed, a WebSocket ping stands in
// for the HTTP probe (`probe_stream`): two HTTP requests per backend and interval were most of an idle gateway's
// CPU (docs/performance.md). /system_stats is then read every `stats_interval_ms` for the device figures. A missed
// pong, a closed stream or any failure brings back the full HTTP probe at once, so ejection and rejoining count
// exactly the same failures as before.
import { createComfyClient, type ComfyClient, type UpstreamFailureKind } from '../comfy/client.js';
import { createUpstreamEvents, type UpstreamEvents } from '../comfy/events.js';
import type { ObjectInfo } from '../comfy/types.js';
import { GatewayError } from '../errors.js';
import type { Logger } from '../log.js';
import { createBackoff } from '../retry/backoff.js';
import type { BackendSpec } from '../backends/backend-config.js';
import { readCapabilities, type Capabilities } from '../backends/capabilities.js';

export interface BackendDevice {
  name: string;
  vram_total: number | null;
  vram_free: number | null;
}

export interface Backend {
  readonly name: string;
  spec: BackendSpec;
  readonly client: ComfyClient;
  readonly events: UpstreamEvents;
  /** Until the first probe answers, a backend counts as up: the first send finds out, as with one ComfyUI. */
  readonly up: boolean;
  /** The last probe or send failure, as the caller-facing message; null after a success. */
  readonly lastError: string | null;
  readonly lastFailure: GatewayError | undefined;
  readonly device: BackendDevice | null;
  /** undefined until /object_info was read: such a backend is treated as able to run anything. */
  readonly capabilities: Capabilities | undefined;
  readonly objectInfo: ObjectInfo | undefined;
  /**
   * Another event stream of this server, under another client id (a dead gateway process's, whose prompts this
   * process adopted): the same stream code and settings as its own. The caller closes it.
   */
  listen(clientId: string): UpstreamEvents;
  /** Re-reads /object_info (on demand, and after every reconnect). */
  refreshCapabilities(): Promise<void>;
  /** A send to it failed as unreachable: counts like a failed probe. */
  reportFailure(error: unknown): void;
  /** Fires when `up` changes. */
  onHealthChange(listener: (up: boolean) => void): () => void;
  /** Stops probing; `force` aborts requests in flight. */
  close(options?: { force?: boolean }): Promise<void>;
}

export interface BackendDeps {
  upstreamClientId: string;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  wsReconnectMinMs: number;
  wsReconnectMaxMs: number;
  probeIntervalMs: number;
  ejectAfterFailures: number;
  /** comfyui.probe_stream: an open, answering event stream replaces the HTTP probe (default true). */
  probeStream?: boolean;
  /** comfyui.stats_interval_ms: /system_stats while the stream stands in for the probe (default 30 s). */
  statsIntervalMs?: number;
  /** comfyui.ws_compression */
  wsCompression?: boolean;
  log: Logger;
  onOutcome?: (outcome: 'ok' | UpstreamFailureKind) => void;
}

export function createBackend(spec: BackendSpec, deps: BackendDeps): Backend {
  const log = deps.log.child({ backend: spec.name });
  const client = createComfyClient({
    url: spec.url,
    connectTimeoutMs: deps.connectTimeoutMs,
    requestTimeoutMs: deps.requestTimeoutMs,
    onOutcome(outcome) {
      deps.onOutcome?.(outcome);
      // Any usable answer is a sign of life: a backend taken out comes back on its first one, not the next probe.
      if (outcome === 'ok' && !up) succeeded();
    },
  });
  const streamUnder = (clientId: string): UpstreamEvents =>
    createUpstreamEvents({
      url: spec.url,
      clientId,
      minDelayMs: deps.wsReconnectMinMs,
      maxDelayMs: deps.wsReconnectMaxMs,
      handshakeTimeoutMs: deps.connectTimeoutMs,
      ...(deps.wsCompression === undefined ? {} : { compression: deps.wsCompression }),
      log,
    });
  const events = streamUnder(deps.upstreamClientId);
  // After an ejection the probe backs off up to 16 intervals (a server being rebuilt need not be knocked on as often).
  const backoff = createBackoff({ minDelayMs: deps.probeIntervalMs, maxDelayMs: deps.probeIntervalMs * 16 });
  const healthListeners = new Set<(up: boolean) => void>();
  let up = true;
  let failures = 0;
  let lastFailure: GatewayError | undefined;
  let device: BackendDevice | null = null;
  let capabilities: Capabilities | undefined;
  let objectInfo: ObjectInfo | undefined;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let reading: Promise<void> | undefined;
  // Date.now, as the stream's lastHeardAt it is compared with.
  const now = Date.now;
  const probeStream = deps.probeStream ?? true;
  const statsIntervalMs = deps.statsIntervalMs ?? 30_000;
  /** When the stream was last pinged in place of a probe; undefined when the last round was an HTTP probe. */
  let pingedAt: number | undefined;
  let statsAt = 0;

  function setUp(value: boolean): void {
    if (up === value) return;
    up = value;
    if (value) log.info({ url: spec.url }, 'backend rejoined the pool');
    else log.warn({ url: spec.url, error: lastFailure?.message }, 'backend taken out of the pool');
    for (const listener of healthListeners) listener(value);
  }

  function failed(error: unknown): void {
    lastFailure = error instanceof GatewayError ? error : undefined;
    failures += 1;
    if (failures >= deps.ejectAfterFailures) setUp(false);
  }

  function succeeded(): void {
    const wasDown = !up;
    failures = 0;
    lastFailure = undefined;
    backoff.reset();
    setUp(true);
    if (wasDown || !capabilities) void backend.refreshCapabilities();
  }

  async function probe(): Promise<void> {
    pingedAt = undefined;
    try {
      // One after the other: a server that cannot answer /system_stats is not asked for its queue as well.
      const stats = await client.systemStats();
      await client.getQueue();
      device = deviceOf(stats);
      statsAt = now();
      succeeded();
    } catch (error) {
      failed(error);
    }
  }

  /** The stream may answer for the backend: it is open, nothing failed, and it answered the previous ping. */
  function streamStandsIn(): boolean {
    if (!probeStream || !up || failures > 0 || !events.connected) return false;
    return pingedAt === undefined || events.lastHeardAt >= pingedAt;
  }

  async function check(): Promise<void> {
    if (!streamStandsIn()) return probe();
    const at = now();
    if (!events.ping()) return probe();
    pingedAt = at;
    if (at - statsAt < statsIntervalMs) return;
    statsAt = at;
    try {
      device = deviceOf(await client.systemStats());
    } catch (error) {
      failed(error);
    }
  }

  /**
   * The next check of a backend that is up falls on a multiple of the interval, as every other backend's does: one
   * timer wake-up then serves the whole pool instead of one per backend (an idle gateway's CPU is mostly wake-ups).
   */
  function nextDelay(): number {
    if (!up) return Math.max(deps.probeIntervalMs / 2, backoff.next());
    const delay = deps.probeIntervalMs - (now() % deps.probeIntervalMs);
    return delay < deps.probeIntervalMs / 2 ? delay + deps.probeIntervalMs : delay;
  }

  function schedule(): void {
    if (closed) return;
    const delay = nextDelay();
    timer = setTimeout(() => {
      void check().finally(schedule);
    }, delay);
    timer.unref();
  }

  const offConnection = events.onConnectionChange((connected) => {
    // A (re)connected stream is a sign of life and a reason to re-read the catalogue (nodes may have been installed).
    if (connected) {
      succeeded();
      void backend.refreshCapabilities();
    }
  });

  const backend: Backend = {
    name: spec.name,
    spec,
    client,
    events,
    get up() {
      return up;
    },
    get lastError() {
      return lastFailure?.message ?? null;
    },
    get lastFailure() {
      return lastFailure;
    },
    get device() {
      return device;
    },
    get capabilities() {
      return capabilities;
    },
    get objectInfo() {
      return objectInfo;
    },
    listen: streamUnder,
    refreshCapabilities() {
      reading ??= client
        .objectInfo()
        .then((info) => {
          objectInfo = info;
          capabilities = readCapabilities(info);
        })
        .catch((error: unknown) => log.debug({ err: error }, 'object_info unavailable'))
        .finally(() => {
          reading = undefined;
        });
      return reading;
    },
    reportFailure: failed,
    onHealthChange(listener) {
      healthListeners.add(listener);
      return () => healthListeners.delete(listener);
    },
    async close(options = {}) {
      closed = true;
      clearTimeout(timer);
      offConnection();
      await events.close();
      await client.close(options);
    },
  };
  void probe().finally(schedule);
  return backend;
}

function deviceOf(stats: Record<string, unknown>): BackendDevice | null {
  const devices = (stats as { devices?: unknown }).devices;
  const first = Array.isArray(devices) ? (devices[0] as Record<string, unknown> | undefined) : undefined;
  if (!first || typeof first !== 'object') return null;
  const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
  return { name: typeof first.name === 'string' ? first.name : 'unknown', vram_total: num(first.vram_total), vram_free: num(first.vram_free) };
}
