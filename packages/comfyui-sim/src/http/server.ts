// The HTTP front: node:http with aiohttp's behaviour around the routes: the Origin check (403, also
// on the WebSocket upgrade), OPTIONS answered bare, 404/405 pages, 413 and uncaught-exception 500s.
// The fault switches act here, before routing; /__sim/* is the simulator's own control surface.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { SimFaults } from '../faults.js';
import { PyError } from '../py.js';
import { BodyTooLarge } from './body.js';
import { parseJsonBody } from './context.js';
import { originForbidden } from './origin.js';
import { SERVER_HEADER, sendEmpty, sendJson, sendServerError, sendText } from './respond.js';
import { toSimRequest, type Router } from './router.js';

export interface HttpDeps {
  router: Router;
  faults: SimFaults;
  maxUploadSize: number;
  upgradeWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  sleep(ms: number): Promise<void>;
}

function decodePath(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

async function simControl(req: IncomingMessage, res: ServerResponse, path: string, deps: HttpDeps): Promise<void> {
  if (path !== '/__sim/faults') {
    sendText(res, 404, '404: Not Found');
    return;
  }
  if (req.method === 'POST') {
    const body = await toSimRequest(req, {}, new URL('http://x'), path, 1 << 20).body();
    const patch = body.length > 0 ? parseJsonBody(body) : {};
    if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
      sendText(res, 400, 'expected a JSON object of fault settings');
      return;
    }
    // Closing the port also cuts this connection, so answer first and switch the port afterwards.
    const { refuseConnections, refuseForMs, ...rest } = patch as Record<string, unknown>;
    await deps.faults.apply(rest);
    if (typeof refuseConnections === 'boolean') {
      sendJson(res, 200, { ...deps.faults.snapshot(), refuseConnections });
      res.once('finish', () => {
        deps.faults
          .apply({ refuseConnections, refuseForMs: typeof refuseForMs === 'number' ? refuseForMs : undefined })
          .catch((e: unknown) => console.error('sim: switching the port failed', e));
      });
      return;
    }
  } else if (req.method !== 'GET') {
    sendText(res, 405, '405: Method Not Allowed', { Allow: 'GET,POST' });
    return;
  }
  sendJson(res, 200, deps.faults.snapshot());
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: HttpDeps): Promise<void> {
  res.setHeader('Server', SERVER_HEADER);
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = decodePath(url.pathname);
  if (path.startsWith('/__sim/')) {
    await simControl(req, res, path, deps);
    return;
  }
  if (await originForbidden(req.headers.host, req.headers.origin)) {
    sendEmpty(res, 403);
    return;
  }
  const f = deps.faults;
  if (f.httpDelayMs > 0) await deps.sleep(f.httpDelayMs);
  if (f.text500) {
    sendServerError(res);
    return;
  }
  if (f.garbage) {
    sendText(res, 200, '<html><body>upstream garbage: this is not JSON</body></html>', { 'Content-Type': 'text/html' });
    return;
  }
  if (req.method === 'OPTIONS') {
    sendEmpty(res, 200);
    return;
  }
  const match = deps.router.match(req.method ?? 'GET', path);
  if ('status' in match) {
    if (match.status === 405) sendText(res, 405, '405: Method Not Allowed', { Allow: match.allow.join(',') });
    else sendText(res, 404, '404: Not Found');
    return;
  }
  await match.handler(toSimRequest(req, match.params, url, path, deps.maxUploadSize), res);
}

export function createHttpServer(deps: HttpDeps): Server {
  const server = createServer((req, res) => {
    handle(req, res, deps).catch((e: unknown) => {
      if (e instanceof BodyTooLarge) {
        sendText(res, 413, e.message, { Connection: 'close' });
        return;
      }
      // Uncaught exceptions in aiohttp handlers become a bare 500; errors that are not Python-shaped
      // are simulator bugs, so say so on stderr.
      if (!(e instanceof PyError) && !(e instanceof SyntaxError) && !(e instanceof TypeError) && e?.constructor?.name !== 'Abandoned') {
        console.error('sim: handler failed', e);
      }
      sendServerError(res);
      req.resume();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = decodePath(new URL(req.url ?? '/', 'http://localhost').pathname);
    originForbidden(req.headers.host, req.headers.origin)
      .then((forbidden) => {
        if (forbidden || (path !== '/ws' && path !== '/api/ws')) {
          const status = forbidden ? '403 Forbidden' : '404 Not Found';
          socket.end(`HTTP/1.1 ${status}\r\nServer: ${SERVER_HEADER}\r\nContent-Type: application/octet-stream\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
          return;
        }
        deps.upgradeWebSocket(req, socket, head);
      })
      .catch(() => socket.destroy());
  });
  return server;
}
