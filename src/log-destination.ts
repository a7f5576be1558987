// Where the JSON log lines go: stdout, written in batches while lines come quickly. Each write(2) to stdout was the
// largest part of what the access log cost (one line per request, one system call per line, about 7 % of a sync
// job's CPU in the gateway). A line that follows a quiet spell is still written at once; lines that follow another
// within `holdMs` wait in a buffer until it holds `batchBytes` or `holdMs` has passed, so a line is never late by
// more than that. What is buffered is written out when the process exits (process.exit, the end of the event
// loop), and by logger.flush().
import { pino } from 'pino';

export interface BatchedDestination {
  write(line: string): void;
  /** Writes out what is buffered now, synchronously. */
  flush(callback?: (error?: Error) => void): void;
}

export interface BatchOptions {
  /** A file descriptor; 1 (stdout) for the gateway. */
  fd?: number;
  /** Longest time a line waits in the buffer. */
  holdMs?: number;
  /** Buffered bytes that are written at once. */
  batchBytes?: number;
  now?: () => number;
}

/** Destinations not yet written out, flushed once at exit; weakly held, so a logger that is dropped can go. */
const open = new Set<WeakRef<BatchedDestination>>();
let exitHooked = false;

function flushAllAtExit(): void {
  for (const ref of open) ref.deref()?.flush();
}

export function batchedStdout(options: BatchOptions = {}): BatchedDestination {
  const holdMs = options.holdMs ?? 50;
  const now = options.now ?? Date.now;
  // sonic-boom (pino's own writer): synchronous writes that retry on EAGAIN, buffered below `minLength`.
  const sink = pino.destination({ dest: options.fd ?? 1, sync: true, minLength: options.batchBytes ?? 4096 });
  let lastLineAt = -Infinity;
  let timer: NodeJS.Timeout | undefined;

  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    sink.flushSync();
  };

  const destination: BatchedDestination = {
    write(line) {
      const at = now();
      const quiet = at - lastLineAt >= holdMs;
      lastLineAt = at;
      sink.write(line);
      if (quiet) flush();
      else if (!timer) {
        timer = setTimeout(flush, holdMs);
        timer.unref();
      }
    },
    flush(callback) {
      try {
        flush();
        callback?.();
      } catch (error) {
        if (!callback) throw error;
        callback(error as Error);
      }
    },
  };
  for (const ref of open) if (!ref.deref()) open.delete(ref);
  open.add(new WeakRef(destination));
  if (!exitHooked) {
    exitHooked = true;
    process.once('exit', flushAllAtExit);
  }
  return destination;
}
