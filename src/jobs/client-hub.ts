// Who is listening: caller client_id (namespaced by its API key) → its open gateway WebSockets. Delivering one
// event costs the sockets of that one client, never a walk over everyone connected.

/**
 * The hub's name for a caller's client_id: namespaced by the owner (API key id), so two keys that pick the same
 * client_id are two clients and neither hears the other's jobs. Without an owner (auth off) it is the client_id.
 */
export function socketKey(owner: string | undefined, clientId: string): string {
  // A JSON pair cannot be read two ways, whatever characters the key name or the client_id hold.
  return owner === undefined ? clientId : JSON.stringify([owner, clientId]);
}

/** What the hub needs of a socket; the WebSocket route adapts `ws` sockets to it. */
export interface ClientSocket {
  /** The absolute base the socket's caller reaches the gateway under (for download links in events). */
  readonly baseUrl: string;
  send(text: string): void;
}

export interface ClientHub {
  /** Registers a socket; the returned function unregisters it (idempotent). */
  add(clientId: string, socket: ClientSocket): () => void;
  count(clientId: string): number;
  /** Every socket of every client. */
  readonly size: number;
  /**
   * Sends to every socket of the client. `render` is called once per distinct base URL (normally once), so the
   * serialising is not repeated per socket. Returns how many sockets were sent to.
   */
  send(clientId: string, render: (baseUrl: string) => string): number;
}

export function createClientHub(): ClientHub {
  const clients = new Map<string, Set<ClientSocket>>();
  let size = 0;
  return {
    add(clientId, socket) {
      let set = clients.get(clientId);
      if (!set) clients.set(clientId, (set = new Set()));
      if (!set.has(socket)) {
        set.add(socket);
        size += 1;
      }
      return () => {
        const current = clients.get(clientId);
        if (!current?.delete(socket)) return;
        size -= 1;
        if (current.size === 0) clients.delete(clientId);
      };
    },
    count: (clientId) => clients.get(clientId)?.size ?? 0,
    get size() {
      return size;
    },
    send(clientId, render) {
      const set = clients.get(clientId);
      if (!set) return 0;
      const rendered = new Map<string, string>();
      for (const socket of set) {
        let text = rendered.get(socket.baseUrl);
        if (text === undefined) rendered.set(socket.baseUrl, (text = render(socket.baseUrl)));
        socket.send(text);
      }
      return set.size;
    },
  };
}
