// The gateway's WebSocket, /api/v1/ws/{client_id}, speaking the seed protocol: connected, ping → pong,
// submit → submit_success | submit_error, anything else → error (the socket stays open). A submit goes through the
// same submission as the HTTP routes (src/jobs/submit-job.ts): `webhook` and `idempotency_key` mean the same there. Each socket joins the
// client hub under its client_id, which is how the progress relay finds it. It is mounted on the HTTP server's
// `upgrade` event, so it shares the port with the Koa app but not its middleware: refusals are written here.
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Config } from '../config.js';
import { fail, isGatewayError, type GatewayError } from '../errors.js';
import { toEnvelope } from '../http/error-middleware.js';
import type { RouteFacts } from '../http/route-facts.js';
import { message, translate, type Locale } from '../i18n.js';
import type { Logger } from '../log.js';
import { socketKey, type ClientHub } from '../jobs/client-hub.js';
import type { SubmitJob } from '../jobs/submit-job.js';
import { idempotencyClaim } from '../http/idempotency.js';
import { requestOrigin } from '../images/image-url.js';
import { asWorkflow, findWorkflowProblem, type WorkflowLimits } from './workflow-format.js';

export const WS_PATH_PREFIX = '/api/v1/ws/';
/** The socket's facts, read by the same guards as a route's: keyed, and it takes raw workflows (`submit`). */
export const SOCKET_FACTS: RouteFacts = { access: 'key', rawWorkflow: true };
const clientIdPattern = /^[\w.:-]{1,128}$/;

export interface GatewaySocketsDeps {
  /** The one submission path (webhook, Idempotency-Key, submit, record), shared with the HTTP routes. */
  submitJob: SubmitJob;
  hub: ClientHub;
  locale: Locale;
  log: Logger;
  limits: Config['websocket'];
  /** config server.public_url; empty: links are built from the upgrade request's Host. */
  publicUrl: string;
  /** The same limits the HTTP submit route applies to a workflow. */
  workflowLimits: WorkflowLimits;
  /**
   * Runs before a socket is accepted, with the socket's facts (API key, rate limit, signature): a refusal is
   * answered like the HTTP one, envelope and headers.
   */
  guard?: (request: IncomingMessage, facts: RouteFacts) => UpgradeCheck | Promise<UpgradeCheck>;
}

/** The security layer's verdict on an upgrade request (structurally its UpgradeVerdict). */
export type UpgradeCheck =
  | { ok: true; key?: string; mayRunWorkflows?: boolean; submitNeedsSignature?: boolean }
  | { ok: false; error: GatewayError };


interface SocketRights {
  mayRunWorkflows: boolean;
  submitNeedsSignature: boolean;
}

export interface GatewaySockets {
  /** The HTTP server's `upgrade` listener. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Open sockets. */
  readonly size: number;
  /** Closes every socket (1001, going away) and stops the heartbeat. */
  close(): Promise<void>;
}

export function createGatewaySockets(deps: GatewaySocketsDeps): GatewaySockets {
  // ws closes with 1009 by itself when a message exceeds maxPayload.
  const wss = new WebSocketServer({ noServer: true, maxPayload: deps.limits.max_message_bytes });
  const alive = new WeakMap<WebSocket, boolean>();
  // Open sockets per owner (API key name, or client address without keys), for websocket.max_sockets_per_key.
  const perOwner = new Map<string, number>();
  const say = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) =>
    translate(deps.locale, key, params);

  // A socket whose peer vanished (no FIN, no pong) would otherwise stay in the hub forever.
  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, deps.limits.heartbeat_ms);
  heartbeat.unref();

  async function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const { pathname } = new URL(request.url ?? '/', 'http://gateway');
    if (!pathname.startsWith(WS_PATH_PREFIX)) throw fail.routeNotFound(request.method ?? 'GET', pathname);
    const clientId = safeDecode(pathname.slice(WS_PATH_PREFIX.length));
    if (clientId === undefined || !clientIdPattern.test(clientId)) {
      throw fail.badRequest(message('reason.ws_client_id', { pattern: clientIdPattern.source }));
    }
    // Awaited before the caps below, which are then checked and taken with no await in between.
    const verdict = await deps.guard?.(request, SOCKET_FACTS);
    if (verdict && !verdict.ok) throw verdict.error;
    // The socket's client is the client_id within its key: another key's /ws/<same id> is another client.
    const owner = verdict?.ok ? verdict.key : undefined;
    const client = socketKey(owner, clientId);
    if (deps.hub.count(client) >= deps.limits.max_sockets_per_client) {
      throw fail.forbidden(message('reason.ws_too_many_sockets', { limit: deps.limits.max_sockets_per_client }));
    }
    if (wss.clients.size >= deps.limits.max_sockets) {
      throw fail.forbidden(message('reason.ws_too_many_total', { limit: deps.limits.max_sockets }));
    }
    const capKey = owner !== undefined ? `key:${owner}` : `ip:${request.socket.remoteAddress ?? '-'}`;
    if ((perOwner.get(capKey) ?? 0) >= deps.limits.max_sockets_per_key) {
      throw fail.forbidden(message('reason.ws_too_many_for_key', { limit: deps.limits.max_sockets_per_key }));
    }
    const baseUrl = deps.publicUrl.replace(/\/+$/, '') || requestOrigin(request);
    // A key limited to some scenarios may follow its jobs here, but not submit arbitrary graphs; neither may an
    // unsigned socket when the signed groups cover submission.
    const rights: SocketRights = {
      mayRunWorkflows: !verdict || verdict.mayRunWorkflows !== false,
      submitNeedsSignature: verdict?.submitNeedsSignature === true,
    };
    // From the checks to the open there is no await (ws completes the handshake synchronously), so two upgrades
    // cannot both pass a cap with the last free place.
    wss.handleUpgrade(request, socket, head, (ws) => {
      perOwner.set(capKey, (perOwner.get(capKey) ?? 0) + 1);
      ws.once('close', () => {
        const left = (perOwner.get(capKey) ?? 1) - 1;
        if (left > 0) perOwner.set(capKey, left);
        else perOwner.delete(capKey);
      });
      accept(ws, { clientId, owner, client }, baseUrl, rights);
    });
  }

  function accept(
    ws: WebSocket,
    { clientId, owner, client }: { clientId: string; owner: string | undefined; client: string },
    baseUrl: string,
    rights: SocketRights,
  ): void {
    const log = deps.log.child({ wsClient: clientId });
    const send = (message: { type: string; data?: unknown }) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    const leave = deps.hub.add(client, {
      baseUrl,
      send: (text) => {
        if (ws.readyState === ws.OPEN) ws.send(text);
      },
    });
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));
    ws.on('close', (code) => {
      leave();
      log.debug({ code }, 'gateway WebSocket closed');
    });
    // Oversized messages and protocol errors: ws has already closed the socket with the right code.
    ws.on('error', (error) => log.debug({ err: error.message }, 'gateway WebSocket error'));
    ws.on('message', (raw, isBinary) => {
      const text = Array.isArray(raw) ? Buffer.concat(raw).toString('utf8') : Buffer.from(raw as ArrayBuffer).toString('utf8');
      handleMessage(text, isBinary).catch((error: unknown) => {
        log.error({ err: error }, 'gateway WebSocket message handling failed');
      });
    });
    log.debug('gateway WebSocket connected');
    send({ type: 'connected', data: { message: say('ws.connected'), client_id: clientId } });

    async function handleMessage(text: string, isBinary: boolean): Promise<void> {
      const incoming = isBinary ? undefined : parseMessage(text);
      if (!incoming) return send({ type: 'error', data: { message: say('ws.invalid_json') } });
      switch (incoming.type) {
        case 'ping':
          return send({ type: 'pong' });
        case 'submit':
          return send(await submit(incoming.data));
        default:
          return send({ type: 'error', data: { message: say('ws.unknown_type', { type: String(incoming.type) }) } });
      }
    }

    async function submit(data: unknown): Promise<{ type: string; data: unknown }> {
      try {
        if (rights.submitNeedsSignature) throw fail.socketSubmitUnsigned();
        if (!rights.mayRunWorkflows) throw fail.rawWorkflowForbidden();
        const fields = isObject(data) ? data : {};
        const { workflow, webhook, idempotency_key: key, ...rest } = fields;
        if (!isObject(workflow)) throw fail.badRequest(message('reason.ws_workflow_missing'));
        if (webhook !== undefined && (typeof webhook !== 'string' || webhook === '')) {
          throw fail.badRequest(message('reason.ws_field_string', { field: 'data.webhook' }));
        }
        if (key !== undefined && typeof key !== 'string') {
          throw fail.badRequest(message('reason.ws_field_string', { field: 'data.idempotency_key' }));
        }
        const problem = findWorkflowProblem(workflow, deps.workflowLimits);
        if (problem) throw fail.badRequest(message(problem.key, problem.params));
        // The key means the rest of the message: the same key with another workflow or webhook is refused.
        const idempotency = idempotencyClaim(key, owner, `WS ${WS_PATH_PREFIX}{client_id} submit`, { ...rest, client_id: clientId, workflow, webhook });
        // Owned by the socket's key, so its events come back to this client and to no other key's.
        const { data: answer, replayed } = await deps.submitJob({
          prepare: () => ({
            workflow: asWorkflow(workflow),
            answer: (submission) => ({
              prompt_id: submission.promptId,
              client_id: clientId,
              ...(submission.queuePosition !== undefined ? { status: 'queued', queue_position: submission.queuePosition } : {}),
            }),
          }),
          clientId,
          owner,
          webhook,
          idempotency,
          baseUrl,
        });
        return { type: 'submit_success', data: replayed ? { ...answer, replayed: true } : answer };
      } catch (thrown) {
        const error = isGatewayError(thrown) ? thrown : fail.internal(randomUUID(), thrown);
        if (error.code === 500) log.error({ err: thrown }, 'WebSocket submit failed unexpectedly');
        return { type: 'submit_error', data: toEnvelope(error, deps.locale) };
      }
    }
  }

  return {
    handleUpgrade(request, socket, head) {
      // A peer that resets mid-upgrade must not become an unhandled 'error' event.
      const ignore = () => {};
      socket.on('error', ignore);
      upgrade(request, socket, head)
        .catch((thrown: unknown) => {
          const error = isGatewayError(thrown) ? thrown : fail.internal(randomUUID(), thrown);
          if (error.code === 500) deps.log.error({ err: thrown }, 'WebSocket upgrade failed unexpectedly');
          refuse(socket, error, deps.locale);
        })
        .finally(() => socket.off('error', ignore));
    },
    get size() {
      return wss.clients.size;
    },
    async close() {
      clearInterval(heartbeat);
      for (const ws of wss.clients) ws.close(1001);
      // Peers that do not answer the close handshake promptly are cut off.
      const deadline = setTimeout(() => {
        for (const ws of wss.clients) ws.terminate();
      }, 1_000);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await Promise.all(
        [...wss.clients].map((ws) => new Promise<void>((resolve) => ws.once('close', () => resolve()))),
      );
      clearTimeout(deadline);
    },
  };
}

/**
 * The envelope as a plain HTTP answer on the raw socket (the upgrade never reaches Koa's error middleware), with
 * the error's own headers (Retry-After, WWW-Authenticate), as the HTTP answer has them.
 */
function refuse(socket: Duplex, error: GatewayError, locale: Locale): void {
  if (!socket.writable) return void socket.destroy();
  const text = JSON.stringify(toEnvelope(error, locale));
  const headers = {
    ...error.headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    Connection: 'close',
  };
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(`HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}\r\n${head}\r\n${text}`);
}

function parseMessage(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
