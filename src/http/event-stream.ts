// How a route answers with a Server-Sent Events stream: the one set of headers and socket settings every stream
// route uses (a job's events, the job list, the backends), so they cannot drift apart.
import type { Context } from 'koa';
import type { Readable } from 'node:stream';

export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
  // nginx would otherwise hold the events back until its buffer fills.
  'X-Accel-Buffering': 'no',
};

export interface EventStream {
  /** The frames, until the stream ends. */
  body: Readable;
  /** The caller went away: stop producing frames (safe to call again, also after a normal end). */
  stop(): void;
}

/** Answers 200 with the stream; each frame goes out at once, the socket never times out, and a hang-up stops it. */
export function sendEventStream(ctx: Context, events: EventStream): void {
  ctx.status = 200;
  ctx.set(SSE_HEADERS);
  ctx.req.socket.setNoDelay(true);
  ctx.req.socket.setTimeout(0);
  ctx.body = events.body;
  // The response's close also fires after a normal end.
  ctx.res.once('close', events.stop);
}
