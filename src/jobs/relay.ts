// Upstream events → the job tracker → the gateway WebSockets of the caller who submitted the prompt. ComfyUI sends
// every event of the gateway's prompts to the gateway's one upstream socket; the tracker says which caller each
// prompt belongs to. Prompts the gateway did not submit are nobody's business here and are dropped.
//
// Events may arrive before their job is recorded: ComfyUI may start a prompt, and send execution_start on its
// WebSocket, before the gateway has read the HTTP answer to POST /prompt and recorded the job. Those events are held
// (the early-event buffer at the end of this file) for a short while instead of being lost, and delivered in order
// once the job is recorded. Events of prompts that never get recorded (another user's prompt broadcast to every
// socket) simply expire. The buffer is bounded in prompts and in events per prompt, so a chatty stranger cannot grow it.
import type { UpstreamEventMap, UpstreamEventType } from '../comfy/events.js';
import type { ImageRef } from '../comfy/types.js';
import type { ImageUrlBuilder } from '../images/image-url.js';
import type { Logger } from '../log.js';
import type { ExecutedData } from '../comfy/events-parse.js';
import { socketKey, type ClientHub } from './client-hub.js';
import type { JobEvent } from './job-event.js';
import { CANCELLED_EVENT, type JobTracker } from './tracker.js';

/** The per-prompt events a caller's sockets receive, as `{type, data}` with ComfyUI's data. */
export const RELAYED_EVENTS = [
  'execution_start',
  'execution_cached',
  'executing',
  'progress',
  'executed',
  'execution_success',
  'execution_error',
  'execution_interrupted',
] as const satisfies readonly (keyof UpstreamEventMap)[];

export type RelayedEvent = (typeof RELAYED_EVENTS)[number];

export interface RelayDeps {
  /** Every backend's event stream (src/pool/follow-backends.ts): only events of prompts that backend owns. */
  events: { on<K extends UpstreamEventType>(type: K, listener: (data: UpstreamEventMap[K]) => void): () => void };
  tracker: JobTracker;
  hub: ClientHub;
  imageUrl: ImageUrlBuilder;
  log: Logger;
}

export interface ProgressRelay {
  /** Feeds one event in as if it came from the stream (catching up from history after an outage). */
  receive(event: JobEvent): void;
  stop(): void;
}

export function createProgressRelay(deps: RelayDeps): ProgressRelay {
  const early = createEarlyEvents({ ttlMs: 30_000, maxPrompts: 1_000, maxEventsPerPrompt: 500 });
  /** Prompts whose held events are about to be delivered: live events queue behind them to keep the order. */
  const flushing = new Map<string, JobEvent[]>();
  let stopped = false;

  const unsubscribe = RELAYED_EVENTS.map((type) =>
    deps.events.on(type, (data) => receive({ type, data: data as Record<string, unknown> })),
  );
  unsubscribe.push(
    deps.tracker.onRecord((job) => {
      const held = early.take(job.promptId);
      if (!held) return;
      flushing.set(job.promptId, held);
      // Deferred past the submitter's continuation, so a WebSocket caller hears submit_success before the events.
      setImmediate(() => {
        const queue = flushing.get(job.promptId) ?? [];
        flushing.delete(job.promptId);
        if (!stopped) for (const event of queue) deliver(job.promptId, event);
      });
    }),
  );

  // A prompt the gateway removed before it started gets no event from ComfyUI: the tracker's verdict is relayed.
  unsubscribe.push(
    deps.tracker.onFinished((job) => {
      if (job.status !== 'cancelled' || job.clientId === undefined) return;
      const data = { prompt_id: job.promptId, reason: job.error?.type ?? null, message: job.error?.message ?? null };
      deps.hub.send(job.clientId, () => JSON.stringify({ type: CANCELLED_EVENT, data }));
    }),
  );

  function receive(event: JobEvent): void {
    // The reconnect-time `executing` has no prompt_id: it cannot be attributed, so it is not relayed.
    const promptId = event.data.prompt_id;
    if (typeof promptId !== 'string') return;
    const queued = flushing.get(promptId);
    if (queued) queued.push(event);
    else if (deps.tracker.get(promptId)) deliver(promptId, event);
    else early.hold(promptId, event);
  }

  function deliver(promptId: string, event: JobEvent): void {
    const job = deps.tracker.get(promptId);
    if (!job) return;
    const type = event.type as RelayedEvent;
    // The tracker keeps the job's state (status, progress, outputs, error) and tells its SSE streams and waiters.
    deps.tracker.apply(promptId, event);
    if (job.clientId === undefined) return;
    const sent = deps.hub.send(socketKey(job.owner, job.clientId), (baseUrl) =>
      JSON.stringify({ type, data: relayedData(event, deps.imageUrl, baseUrl, job.backend) }),
    );
    if (sent === 0) deps.log.trace({ promptId, type }, 'no socket of the caller to relay to');
  }

  return {
    receive,
    stop() {
      stopped = true;
      for (const off of unsubscribe) off();
    },
  };
}

/** An event's data as callers see it (WebSocket and SSE alike): `executed` images carry a download URL. */
export function relayedData(
  event: JobEvent,
  imageUrl: ImageUrlBuilder,
  baseUrl: string,
  backend?: string,
): Record<string, unknown> {
  if (event.type !== 'executed') return event.data;
  const data = event.data as unknown as ExecutedData;
  const images = data.output?.images;
  if (!Array.isArray(images)) return event.data;
  return {
    ...data,
    output: {
      ...data.output,
      images: images.map((image) =>
        isImageRef(image) ? { ...image, url: imageUrl({ ...image, subfolder: image.subfolder ?? '', backend }, baseUrl) } : image,
      ),
    },
  };
}

function isImageRef(value: unknown): value is Omit<ImageRef, 'subfolder'> & { subfolder?: string } {
  const image = value as Partial<ImageRef> | null;
  return (
    typeof image === 'object' &&
    image !== null &&
    typeof image.filename === 'string' &&
    (image.subfolder === undefined || typeof image.subfolder === 'string') &&
    typeof image.type === 'string'
  );
}

/** The early-event buffer: events of prompts not (yet) recorded, per prompt, oldest first. */
interface EarlyEventsOptions {
  ttlMs: number;
  maxPrompts: number;
  maxEventsPerPrompt: number;
  now?: () => number;
}

interface EarlyEvents {
  hold(promptId: string, event: JobEvent): void;
  /** The held events of that prompt, oldest first, and forgets them. */
  take(promptId: string): JobEvent[] | undefined;
  readonly size: number;
}

function createEarlyEvents(options: EarlyEventsOptions): EarlyEvents {
  const now = options.now ?? Date.now;
  // Insertion order = age order, so expiry only ever looks at the front.
  const held = new Map<string, { since: number; events: JobEvent[] }>();

  function expire(at: number): void {
    for (const [promptId, entry] of held) {
      if (at - entry.since < options.ttlMs && held.size <= options.maxPrompts) return;
      held.delete(promptId);
    }
  }

  return {
    hold(promptId, event) {
      const at = now();
      let entry = held.get(promptId);
      if (!entry) {
        entry = { since: at, events: [] };
        held.set(promptId, entry);
      }
      if (entry.events.length < options.maxEventsPerPrompt) entry.events.push(event);
      expire(at);
    },
    take(promptId) {
      const entry = held.get(promptId);
      if (!entry) return undefined;
      held.delete(promptId);
      return now() - entry.since < options.ttlMs ? entry.events : undefined;
    },
    get size() {
      return held.size;
    },
  };
}
