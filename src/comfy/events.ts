// The one WebSocket from the gateway to ComfyUI's /ws, where every job event starts. It is opened under the
// gateway's own upstream client id, so ComfyUI sends it the per-prompt events of every prompt the gateway submitted.
// ComfyUI may be down at start or restart at any time: the stream reconnects forever with backoff, and says so in
// the log once per change of state, not once per attempt.
import WebSocket from 'ws';
import type { Logger } from '../log.js';
import { createBackoff } from '../retry/backoff.js';
import {
  binaryFrameType,
  parseTextFrame,
  type UpstreamEvent,
  type UpstreamEventMap,
  type UpstreamEventType,
} from './events-parse.js';

export type { UpstreamEvent, UpstreamEventMap, UpstreamEventType } from './events-parse.js';

export interface UpstreamEventsOptions {
  /** ComfyUI's HTTP base URL (config comfyui.url); /ws is derived from it. */
  url: string;
  /** The gateway's upstream client id: the same one every prompt is submitted under. */
  clientId: string;
  minDelayMs: number;
  maxDelayMs: number;
  log: Logger;
  /** How long an opening handshake may take before it counts as a failed attempt. */
  handshakeTimeoutMs?: number;
  /** Ping interval; a connection that misses one pong is dropped and reopened. 0 turns it off. */
  heartbeatMs?: number;
  /** Offer permessage-deflate (comfyui.ws_compression); default false. */
  compression?: boolean;
  random?: () => number;
}

type Listener<K extends UpstreamEventType> = (data: UpstreamEventMap[K]) => void;

export interface UpstreamEvents {
  /** ws(s)://host:port/ws?clientId=… */
  readonly wsUrl: string;
  readonly connected: boolean;
  /** Returns a function that removes the listener. */
  on<K extends UpstreamEventType>(type: K, listener: Listener<K>): () => void;
  onAny(listener: (event: UpstreamEvent) => void): () => void;
  /** Fires on every change; after a reconnect, events sent while away are lost (read /history to catch up). */
  onConnectionChange(listener: (connected: boolean) => void): () => void;
  /** Sends a WebSocket ping when connected (false otherwise); its pong moves `lastHeardAt`. */
  ping(): boolean;
  /** Date.now() of the last frame or pong received from ComfyUI on the open connection; 0 before any. */
  readonly lastHeardAt: number;
  close(): Promise<void>;
}

export function upstreamWsUrl(httpUrl: string, clientId: string): string {
  const url = new URL(httpUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/ws`;
  url.search = new URLSearchParams({ clientId }).toString();
  url.hash = '';
  return url.toString();
}

export function createUpstreamEvents(options: UpstreamEventsOptions): UpstreamEvents {
  const wsUrl = upstreamWsUrl(options.url, options.clientId);
  const log = options.log.child({ upstream: new URL(options.url).origin });
  const backoff = createBackoff({
    minDelayMs: options.minDelayMs,
    maxDelayMs: options.maxDelayMs,
    ...(options.random ? { random: options.random } : {}),
  });
  const heartbeatMs = options.heartbeatMs ?? 30_000;
  const byType = new Map<UpstreamEventType, Set<(data: never) => void>>();
  const anyListeners = new Set<(event: UpstreamEvent) => void>();
  const connectionListeners = new Set<(connected: boolean) => void>();

  let socket: WebSocket | undefined;
  let connected = false;
  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let lastHeardAt = 0;
  /** The last state written to the log, so a long outage is one line and not one per attempt. */
  let announced: 'up' | 'down' | undefined;

  function announce(state: 'up' | 'down', detail: Record<string, unknown>): void {
    if (announced === state) return;
    announced = state;
    if (state === 'up') log.info(detail, 'ComfyUI event stream connected');
    else log.warn(detail, 'ComfyUI event stream unavailable; reconnecting in the background');
  }

  function setConnected(value: boolean): void {
    if (connected === value) return;
    connected = value;
    for (const listener of connectionListeners) guarded(() => listener(value));
  }

  function guarded(run: () => void): void {
    try {
      run();
    } catch (error) {
      // A consumer's bug must not stop the stream for every other consumer.
      log.error({ err: error }, 'upstream event listener failed');
    }
  }

  function dispatch(event: UpstreamEvent): void {
    const listeners = byType.get(event.type);
    if (listeners) for (const listener of listeners) guarded(() => listener(event.data as never));
    for (const listener of anyListeners) guarded(() => listener(event));
  }

  function onMessage(raw: WebSocket.RawData, isBinary: boolean): void {
    // A Buffer (ws's default binaryType) is read as it is: Buffer.from(buffer) would copy every frame.
    const bytes = Buffer.isBuffer(raw) ? raw : Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw);
    if (isBinary) {
      // Preview images and progress text: nothing the gateway relays (it never asks ComfyUI for previews).
      log.trace({ binaryType: binaryFrameType(bytes), bytes: bytes.byteLength }, 'binary frame ignored');
      return;
    }
    const frame = parseTextFrame(bytes.toString('utf8'));
    if (frame.kind === 'event') dispatch(frame.event);
    else if (frame.kind === 'invalid') log.debug({ reason: frame.reason }, 'unusable frame from ComfyUI ignored');
  }

  function connect(): void {
    retryTimer = undefined;
    if (closed) return;
    const ws = new WebSocket(wsUrl, {
      handshakeTimeout: options.handshakeTimeoutMs ?? 5_000,
      // Large ui dicts (many images) are fine; an absurd frame is not worth the memory.
      maxPayload: 64 * 1024 * 1024,
      // Real ComfyUI accepts permessage-deflate when offered. Inflating its many small frames cost the gateway
      // about 40 % of its CPU per sync job (docs/performance.md), for a saving of a few hundred bytes per job on
      // a loopback or LAN link: off unless comfyui.ws_compression asks for it (a slow WAN link to ComfyUI).
      perMessageDeflate: options.compression ?? false,
    });
    socket = ws;
    let alive = true;
    ws.on('open', () => {
      backoff.reset();
      setConnected(true);
      announce('up', { url: wsUrl });
      if (heartbeatMs > 0) {
        heartbeat = setInterval(() => {
          if (!alive) {
            log.debug('ComfyUI missed a heartbeat; dropping the connection');
            ws.terminate();
            return;
          }
          alive = false;
          ws.ping();
        }, heartbeatMs);
        heartbeat.unref();
      }
    });
    ws.on('pong', () => {
      alive = true;
      lastHeardAt = Date.now();
    });
    ws.on('message', (raw: WebSocket.RawData, isBinary: boolean) => {
      lastHeardAt = Date.now();
      onMessage(raw, isBinary);
    });
    // 'close' always follows 'error'; the reason is logged there, once.
    let lastError: string | undefined;
    ws.on('error', (error) => {
      lastError = error.message;
    });
    ws.on('close', (code) => {
      if (heartbeat) clearInterval(heartbeat);
      heartbeat = undefined;
      if (socket === ws) socket = undefined;
      setConnected(false);
      if (closed) return;
      const delay = backoff.next();
      announce('down', { url: wsUrl, code, reason: lastError });
      log.debug({ delay, attempt: backoff.attempts }, 'ComfyUI event stream retry scheduled');
      retryTimer = setTimeout(connect, delay);
      retryTimer.unref();
    });
  }

  connect();

  return {
    wsUrl,
    get connected() {
      return connected;
    },
    on(type, listener) {
      let set = byType.get(type);
      if (!set) byType.set(type, (set = new Set()));
      const entry = listener as (data: never) => void;
      set.add(entry);
      return () => set.delete(entry);
    },
    onAny(listener) {
      anyListeners.add(listener);
      return () => anyListeners.delete(listener);
    },
    onConnectionChange(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
    ping() {
      if (!connected || socket?.readyState !== WebSocket.OPEN) return false;
      socket.ping();
      return true;
    },
    get lastHeardAt() {
      return lastHeardAt;
    },
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = undefined;
      const ws = socket;
      if (!ws || ws.readyState === WebSocket.CLOSED) return;
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.terminate();
      });
    },
  };
}
