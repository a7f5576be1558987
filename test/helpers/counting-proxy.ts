// A pass-through in front of a simulator that counts the requests it forwards (per "METHOD /path") and can hold
// the requests of one path until released, so a test can see what the gateway sent and when. WebSocket upgrades
// (ComfyUI's /ws) are piped through untouched.
import { once } from 'node:events';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { connect } from 'node:net';

export interface CountingProxy {
  url: string;
  /** Requests seen so far for `METHOD /path` (query string left out). */
  count(route: string): number;
  /** Requests of `METHOD /path` wait (not forwarded) until release(). */
  hold(route: string): void;
  release(): void;
  /** Stops passing bytes on the piped WebSockets, both ways (a server that hangs), until resumeStreams(). */
  pauseStreams(): void;
  resumeStreams(): void;
  close(): Promise<void>;
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  const counts = new Map<string, number>();
  const held = new Set<string>();
  let waiting: (() => void)[] = [];
  const sockets = new Set<Socket>();
  const streams = new Set<Socket>();

  function forward(req: IncomingMessage, res: ServerResponse): void {
    const out = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  }

  const server = createServer((req, res) => {
    const route = `${req.method} ${(req.url ?? '/').split('?')[0]}`;
    counts.set(route, (counts.get(route) ?? 0) + 1);
    if (held.has(route)) waiting.push(() => forward(req, res));
    else forward(req, res);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const out = connect(Number(upstream.port), upstream.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      out.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) out.write(head);
      socket.pipe(out).pipe(socket);
    });
    streams.add(socket).add(out);
    out.on('close', () => {
      streams.delete(out);
      streams.delete(socket);
    });
    sockets.add(out);
    out.on('close', () => sockets.delete(out));
    out.on('error', () => socket.destroy());
    socket.on('error', () => out.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    count: (route) => counts.get(route) ?? 0,
    hold: (route) => held.add(route),
    release() {
      held.clear();
      const go = waiting;
      waiting = [];
      for (const send of go) send();
    },
    pauseStreams() {
      for (const socket of streams) socket.pause();
    },
    resumeStreams() {
      for (const socket of streams) socket.resume();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
