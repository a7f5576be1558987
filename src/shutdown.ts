// Graceful stop of the HTTP side: refuse new connections at once, let the requests in flight finish (bounded),
// and never let a keep-alive connection carry one more request after the stop began. Node's server.close() alone
// waits for keep-alive connections to time out, and closeAllConnections() alone cuts answers in half.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface HttpDrain {
  /** Answers being written right now (for tests and logs). */
  readonly inFlight: number;
  /**
   * Stops listening, then waits until every request in flight has been answered or `timeoutMs` has passed;
   * whatever is still open after that is cut. Resolves with what happened; calling it twice shares one run.
   */
  drain(timeoutMs: number): Promise<DrainResult>;
}

export interface DrainResult {
  /** false when the deadline cut requests that were still running. */
  drained: boolean;
  /** Requests cut by the deadline. */
  cut: number;
}

/** Call once, right after createServer(), so every request is seen. */
export function createHttpDrain(server: Server): HttpDrain {
  const active = new Set<ServerResponse>();
  let draining = false;
  let run: Promise<DrainResult> | undefined;

  // The answer's Connection header decides whether the socket is reused; during a drain it must not be.
  const noKeepAlive = (res: ServerResponse) => {
    res.shouldKeepAlive = false;
    if (!res.headersSent) res.setHeader('Connection', 'close');
  };

  // Only counts and marks: Koa's own 'request' listener still writes the answer.
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    active.add(res);
    res.once('close', () => active.delete(res));
    if (draining) noKeepAlive(res);
  });

  async function drainOnce(timeoutMs: number): Promise<DrainResult> {
    draining = true;
    for (const res of active) noKeepAlive(res);
    const closed = new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });
    // Connections between two requests get nothing more to answer: close them now.
    server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), timeoutMs);
    });
    const outcome = await Promise.race([closed.then(() => 'done' as const), deadline]);
    clearTimeout(timer);
    if (outcome === 'done') return { drained: true, cut: 0 };
    const cut = active.size;
    server.closeAllConnections();
    await closed;
    return { drained: false, cut };
  }

  return {
    get inFlight() {
      return active.size;
    },
    drain(timeoutMs) {
      run ??= drainOnce(timeoutMs);
      return run;
    },
  };
}
