// The HTTP server around the app: timeouts against slow clients, answers to malformed requests, the drain used at
// shutdown, and the address it listens on.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config.js';
import { answerClientError } from '../http/client-error.js';
import { createHttpDrain, type HttpDrain } from '../shutdown.js';

export interface Listening {
  server: Server;
  httpDrain: HttpDrain;
  port: number;
  /** Where a client on this machine reaches the server. */
  url: string;
}

export async function listen(config: Config, callback: RequestListener): Promise<Listening> {
  // Slow clients (slowloris) are cut: headers within headers_timeout_ms, the whole request within
  // request_timeout_ms. Node checks both on an interval, so it is kept short next to the timeouts.
  const headersTimeout = Math.min(config.server.headers_timeout_ms, config.server.request_timeout_ms);
  const server = createServer(
    {
      headersTimeout,
      requestTimeout: config.server.request_timeout_ms,
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(headersTimeout / 4))),
    },
    callback,
  );
  server.on('clientError', answerClientError(config.locale));
  const httpDrain = createHttpDrain(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.server.port, config.server.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = config.server.host === '0.0.0.0' || config.server.host === '::' ? '127.0.0.1' : config.server.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return { server, httpDrain, port, url };
}
