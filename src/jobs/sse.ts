// GET /api/v1/jobs/{id}/events as Server-Sent Events: first `state` (the job document), then the same events the
// gateway WebSocket relays (same `type` as the SSE event name, same `data`), and after the final one `end` (the
// job document again), then the stream closes. A job that already ended gets `state` and `end` at once. Each stream
// listens to its own job only (tracker.subscribe), so an event costs the streams of that job, not all of them.
import { PassThrough } from 'node:stream';
import type { EventStream } from '../http/event-stream.js';
import type { Closing } from './closing.js';
import { typedJobDocument } from './job-document.js';
import type { ImageUrlBuilder } from '../images/image-url.js';
import { relayedData, RELAYED_EVENTS } from './relay.js';
import { CANCELLED_EVENT, isFinished, type JobRecord, type JobTracker } from './tracker.js';

export interface SseDeps {
  tracker: Pick<JobTracker, 'subscribe' | 'get'>;
  imageUrl: ImageUrlBuilder;
  /** A comment line this often keeps proxies and idle timeouts from closing a quiet stream. */
  heartbeatMs: number;
  /** The gateway is closing: the stream ends (the caller reconnects elsewhere and gets `state` first). */
  closing: Closing;
}

const relayed: ReadonlySet<string> = new Set([...RELAYED_EVENTS, CANCELLED_EVENT]);

export function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** What the route sends (src/http/event-stream.ts): `body` ends after `end` (or when the gateway closes). */
export type JobEventStream = EventStream;

/** The job's event stream. The job must be known (the route looked it up). */
export function streamJobEvents(job: JobRecord, baseUrl: string, deps: SseDeps): JobEventStream {
  const stream = new PassThrough();

  const document = () => typedJobDocument(deps.tracker.get(job.promptId) ?? job, deps.imageUrl, baseUrl);
  stream.write(frame('state', document()));
  if (isFinished(job.status) || deps.closing.closed) {
    stream.end(frame('end', document()));
    return { body: stream, stop: () => undefined };
  }

  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    unsubscribe();
    clearInterval(heartbeat);
    stopListening();
    if (!stream.writableEnded) stream.end();
  };
  const unsubscribe = deps.tracker.subscribe(job.promptId, (event, current) => {
    if (closed) return;
    if (relayed.has(event.type)) stream.write(frame(event.type, relayedData(event, deps.imageUrl, baseUrl, current)));
    if (isFinished(current.status)) {
      stream.write(frame('end', document()));
      close();
    }
  });
  const heartbeat = setInterval(() => stream.write(': heartbeat\n\n'), deps.heartbeatMs);
  heartbeat.unref();
  const stopListening = deps.closing.onClose(close);
  return { body: stream, stop: close };
}
