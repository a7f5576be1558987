// The one client of the gateway's API: the key (kept for this tab only), envelopes, and live streams. Streams are
// Server-Sent Events read with fetch (EventSource cannot send the API key header) and reconnect by themselves.
import type { Backend, Backends, Job, ScenarioDetail, ScenarioStatus, WhoAmI } from './types';

const KEY_ITEM = 'gateway.apiKey';

export const apiKey = {
  get: (): string | null => sessionStorage.getItem(KEY_ITEM),
  set: (key: string) => sessionStorage.setItem(KEY_ITEM, key),
  clear: () => sessionStorage.removeItem(KEY_ITEM),
};

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Called when the gateway refuses the key (401): the shell asks for another. */
let onUnauthorized: () => void = () => undefined;
export function whenUnauthorized(listener: () => void): void {
  onUnauthorized = listener;
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const key = apiKey.get();
  return key ? { ...extra, 'X-API-Key': key } : extra;
}

async function request<T>(method: string, path: string, body?: FormData | object, options: { quiet401?: boolean } = {}): Promise<T> {
  const init: RequestInit = { method, headers: headers() };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = headers({ 'Content-Type': 'application/json' });
  }
  const response = await fetch(path, init);
  const envelope = (await response.json().catch(() => null)) as { code: number; message: string; data: T; details?: unknown } | null;
  if (!response.ok || !envelope || envelope.code !== 200) {
    if (response.status === 401 && !options.quiet401) onUnauthorized();
    throw new ApiError(response.status, envelope?.code ?? response.status, envelope?.message ?? response.statusText, envelope?.details);
  }
  return envelope.data;
}

export interface JobFilter {
  scenario?: string;
  status?: string;
  caller?: string;
  backend?: string;
}

function query(filter: JobFilter): string {
  const params = new URLSearchParams(Object.entries(filter).filter(([, value]) => Boolean(value)) as [string, string][]);
  const text = params.toString();
  return text ? `?${text}` : '';
}

export const api = {
  // The shell asks this to learn whether a key is needed: its 401 is the answer, not an event.
  whoami: () => request<WhoAmI>('GET', '/api/v1/whoami', undefined, { quiet401: true }),
  scenarios: () => request<{ version: number; scenarios: ScenarioStatus[] }>('GET', '/api/v1/scenarios'),
  scenario: (name: string) => request<ScenarioDetail>('GET', `/api/v1/scenarios/${encodeURIComponent(name)}`),
  runScenario: (name: string, form: FormData) =>
    request<{ prompt_id: string }>('POST', `/api/v1/scenarios/${encodeURIComponent(name)}`, form),
  job: (id: string) => request<Job>('GET', `/api/v1/jobs/${encodeURIComponent(id)}`),
  /** Interrupts a running job, or removes a queued one. */
  cancel: (id: string) => request<{ action: string }>('POST', '/api/v1/workflows/interrupt', { prompt_id: id }),
  drain: (name: string) => request<Backend>('POST', `/api/v1/backends/${encodeURIComponent(name)}/drain`),
  resume: (name: string) => request<Backend>('POST', `/api/v1/backends/${encodeURIComponent(name)}/resume`),
  /** What the public /health tells of each backend (for keys that may not read the pool). */
  healthBackends: async (): Promise<Backends> => ({ pool: false, queue: { waiting: null }, backends: await healthBackends() }),
};

interface HealthBackend {
  name?: string;
  url: string;
  reachable: boolean;
  draining?: boolean;
  error?: string | null;
}

/** /health answers 503 (with the same objects in `details`) when no backend is reachable. */
async function healthBackends(): Promise<Backend[]> {
  const response = await fetch('/health', { headers: headers() });
  const body = (await response.json().catch(() => null)) as {
    data: { comfyui: HealthBackend; backends?: HealthBackend[] } | null;
    details?: { comfyui?: HealthBackend & { error?: string }; backends?: HealthBackend[] };
  } | null;
  const found = body?.data?.backends ?? body?.details?.backends;
  const single = body?.data?.comfyui ?? body?.details?.comfyui;
  const list = found ?? (single ? [{ ...single, name: 'comfyui' }] : []);
  return list.map((entry, index) => ({
    name: entry.name ?? `backend-${index + 1}`,
    url: entry.url,
    up: entry.reachable,
    draining: entry.draining ?? false,
    last_error: entry.error ?? null,
    running: null,
    waiting: null,
    slots: null,
    device: null,
    nodes: null,
    models: null,
  }));
}

export interface StreamHandlers {
  onEvent(name: string, data: unknown): void;
  /** true once the stream is open, false while it reconnects. */
  onConnection?(open: boolean): void;
  /** The route is not there or not for this key (404, 403): the stream gives up. */
  onRefused?(status: number): void;
}

/** Follows an SSE route until stopped, reconnecting (1 s, doubling to 15 s) whenever it drops. */
export function stream(path: string, handlers: StreamHandlers, options: { once?: boolean } = {}): () => void {
  const controller = new AbortController();
  let delay = 1_000;
  const run = async () => {
    while (!controller.signal.aborted) {
      try {
        const response = await fetch(path, { headers: headers({ Accept: 'text/event-stream' }), signal: controller.signal });
        if (response.status === 401) return onUnauthorized();
        if (response.status === 403 || response.status === 404) return handlers.onRefused?.(response.status);
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        handlers.onConnection?.(true);
        delay = 1_000;
        await readEvents(response.body, handlers.onEvent);
        if (options.once) return;
      } catch {
        if (controller.signal.aborted) return;
      }
      handlers.onConnection?.(false);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 15_000);
    }
  };
  void run();
  return () => controller.abort();
}

async function readEvents(body: ReadableStream<Uint8Array>, onEvent: StreamHandlers['onEvent']): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) name = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length) onEvent(name, JSON.parse(data.join('\n')));
    }
  }
}

export const streams = {
  /** The pool, again after every change (admin keys). */
  backends: (handlers: StreamHandlers) => stream('/api/v1/backends/stream', handlers),
  jobs: (filter: JobFilter, handlers: StreamHandlers) => stream(`/api/v1/jobs/stream${query(filter)}`, handlers),
  /** One job's events; it ends after `end`, and reconnects only if it dropped before. */
  job: (id: string, handlers: StreamHandlers) => stream(`/api/v1/jobs/${encodeURIComponent(id)}/events`, handlers, { once: true }),
};
