// A WebSocket test client that queues every JSON message, so a test waits for the next message (or the first one
// matching a predicate) instead of sleeping. Every wait has a deadline and fails with what did arrive.
import WebSocket from 'ws';

export interface Message {
  type: string;
  data?: Record<string, unknown> & { prompt_id?: string };
}

export interface TestSocket {
  ws: WebSocket;
  /** Every message received so far, in order. */
  readonly received: Message[];
  send(value: unknown): void;
  /** The next message not yet taken by next()/until(). */
  next(timeoutMs?: number): Promise<Message>;
  /** Takes messages until one matches; returns all taken, the match last. */
  until(match: (message: Message) => boolean, timeoutMs?: number): Promise<Message[]>;
  closed(): Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

export async function openSocket(url: string, headers?: Record<string, string>): Promise<TestSocket> {
  const ws = new WebSocket(url, headers ? { headers } : {});
  // Errors after the open are seen as 'close'; without a listener one would crash the test process.
  ws.on('error', () => {});
  const received: Message[] = [];
  let taken = 0;
  let wake: (() => void) | undefined;
  const closeInfo = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
      wake?.();
    });
  });
  ws.on('message', (raw) => {
    received.push(JSON.parse(String(raw)) as Message);
    wake?.();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });

  async function next(timeoutMs = 5_000): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    while (taken >= received.length) {
      if (ws.readyState === WebSocket.CLOSED) throw new Error(`socket closed; received ${describe(received)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no message within ${timeoutMs} ms; received ${describe(received)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
    return received[taken++] as Message;
  }

  return {
    ws,
    received,
    send: (value) => ws.send(typeof value === 'string' ? value : JSON.stringify(value)),
    next,
    async until(match, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      const taken: Message[] = [];
      for (;;) {
        const message = await next(Math.max(1, deadline - Date.now()));
        taken.push(message);
        if (match(message)) return taken;
      }
    },
    closed: () => closeInfo,
    async close() {
      if (ws.readyState === WebSocket.CLOSED) return;
      ws.close();
      await closeInfo;
    },
  };
}

/** The status an upgrade is refused with (the socket never opens). */
export function refusedStatus(
  url: string,
  headers?: Record<string, string>,
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, headers ? { headers } : {});
    ws.once('open', () => {
      ws.terminate();
      reject(new Error('the upgrade was accepted'));
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
        ws.terminate();
      });
    });
    ws.on('error', (error) => reject(error));
  });
}

function describe(messages: Message[]): string {
  return JSON.stringify(messages.map((m) => m.type));
}
