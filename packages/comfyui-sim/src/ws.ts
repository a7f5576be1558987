// The /ws endpoint (server.py websocket_handler) and event delivery (send / send_sync).
// sid → socket, where a reused clientId replaces the old socket without closing it, and the old socket's
// close later unregisters the new one: that is 0.3.64's behaviour, kept on purpose.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { pyJson } from './py-json.js';
import { isObject, type JsonObject, type JsonValue } from './py.js';

export interface ExecutionState {
  /** extra_data.client_id of the prompt running (or last run), as server.client_id. */
  clientId: string | null;
  /** The display id of the node running for that client, as server.last_node_id. */
  lastNodeId: string | null;
}

export interface Hub {
  send(event: string, data: JsonValue, sid: string | null): void;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes every socket: abruptly (no close frame) or with a normal close. */
  closeAll(abrupt: boolean): void;
  close(): Promise<void>;
}

export interface HubDeps {
  queueRemaining(): number;
  state: ExecutionState;
  serverFeatures(): JsonObject;
  /** Told of every event as it is sent (benchmarks timestamp the upstream side of the relay with it). */
  onSend?: (event: string, data: JsonValue, sid: string | null) => void;
  /** Negotiate permessage-deflate when the client offers it (default true). */
  perMessageDeflate?: boolean;
}

export function createHub(deps: HubDeps): Hub {
  // aiohttp accepts a client's permessage-deflate offer with the bare extension name (no window-bit parameters)
  // and then compresses every frame, however small; threshold 0 does the same, so a client pays the real cost
  // of inflating each event.
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: (deps.perMessageDeflate ?? true) ? { threshold: 0 } : false,
  });
  const sockets = new Map<string, WebSocket>();
  const open = new Set<WebSocket>();

  const sendTo = (ws: WebSocket | undefined, text: string): void => {
    if (ws && ws.readyState === ws.OPEN) ws.send(text);
  };

  const send = (event: string, data: JsonValue, sid: string | null): void => {
    const text = pyJson({ type: event, data });
    if (sid === null) for (const ws of sockets.values()) sendTo(ws, text);
    else sendTo(sockets.get(sid), text);
    deps.onSend?.(event, data, sid);
  };

  const onConnection = (ws: WebSocket, sid: string): void => {
    open.add(ws);
    sockets.set(sid, ws);
    let firstMessage = true;
    ws.on('close', () => {
      open.delete(ws);
      sockets.delete(sid);
    });
    ws.on('error', () => undefined);
    ws.on('message', (raw, isBinary) => {
      if (isBinary) return;
      let data: unknown;
      try {
        data = JSON.parse(raw.toString());
      } catch {
        return; // invalid JSON: logged and ignored, and it does not count as the first message
      }
      if (!isObject(data)) return; // data.get raises AttributeError: also not counted
      if (firstMessage && data.type === 'feature_flags') send('feature_flags', deps.serverFeatures(), sid);
      firstMessage = false;
    });
    send('status', { status: { exec_info: { queue_remaining: deps.queueRemaining() } }, sid }, sid);
    if (deps.state.clientId === sid && deps.state.lastNodeId !== null) send('executing', { node: deps.state.lastNodeId }, sid);
  };

  return {
    send,
    upgrade(req, socket, head) {
      const url = new URL(req.url ?? '/', 'http://x');
      const sid = url.searchParams.get('clientId') || randomUUID().replaceAll('-', '');
      wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, sid));
    },
    closeAll(abrupt) {
      for (const ws of open) {
        if (abrupt) ws.terminate();
        else ws.close(1001);
      }
    },
    async close() {
      for (const ws of open) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
