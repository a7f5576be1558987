// A reading as Server-Sent Events: the reading at once, then again after each change, at most once per interval
// (a burst of progress events costs one reading), with a comment line now and then to keep proxies from closing
// a quiet stream. For numbers the gateway computes on demand (the pool's state), not for event logs.
import { PassThrough, type Readable } from 'node:stream';
import type { Closing } from '../jobs/closing.js';
import { frame } from '../jobs/sse.js';
import type { ChangeSource } from './pool-changes.js';

export interface ReadingStreamOptions {
  /** The SSE event name of each reading. */
  event: string;
  read: () => Promise<unknown>;
  changes: ChangeSource;
  closing: Closing;
  intervalMs?: number;
  heartbeatMs?: number;
  onError?: (error: unknown) => void;
}

export function streamReadings(options: ReadingStreamOptions): { body: Readable; stop(): void } {
  const body = new PassThrough();
  const interval = options.intervalMs ?? 500;
  let stopped = false;
  let reading = false;
  let again = false;
  let last = 0;
  let timer: NodeJS.Timeout | undefined;

  const send = async (): Promise<void> => {
    if (stopped) return;
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    try {
      last = Date.now();
      const value = await options.read();
      if (!stopped) body.write(frame(options.event, value));
    } catch (error) {
      options.onError?.(error);
    } finally {
      reading = false;
    }
    if (again) {
      again = false;
      schedule();
    }
  };
  // Trailing: the reading after a burst reflects its last change.
  function schedule(): void {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void send();
    }, Math.max(0, last + interval - Date.now()));
  }

  const offChanges = options.changes(schedule);
  const heartbeat = setInterval(() => body.write(': heartbeat\n\n'), options.heartbeatMs ?? 15_000);
  heartbeat.unref();
  const stop = () => {
    if (stopped) return;
    stopped = true;
    offChanges();
    clearInterval(heartbeat);
    clearTimeout(timer);
    offClosing();
    if (!body.writableEnded) body.end();
  };
  const offClosing = options.closing.onClose(stop);
  void send();
  return { body, stop };
}
