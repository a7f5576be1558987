// The websocket section of gateway.yaml: the bounds of the gateway's own WebSocket.
import type { JSONSchemaType } from 'ajv';
import { emptySection, positiveInt } from './schema-blocks.js';

export interface WebsocketConfig {
  max_message_bytes: number;
  max_sockets_per_client: number;
  /** Open gateway WebSockets in all, and per API key (per client address when there are no keys). */
  max_sockets: number;
  max_sockets_per_key: number;
  heartbeat_ms: number;
}

export const websocketSchema: JSONSchemaType<WebsocketConfig> = {
  type: 'object',
  additionalProperties: false,
  default: emptySection,
  required: ['max_message_bytes', 'max_sockets_per_client', 'max_sockets', 'max_sockets_per_key', 'heartbeat_ms'],
  properties: {
    max_message_bytes: positiveInt(1024 * 1024),
    max_sockets_per_client: positiveInt(16, 10_000),
    max_sockets: positiveInt(2_000, 1_000_000),
    max_sockets_per_key: positiveInt(200, 1_000_000),
    heartbeat_ms: positiveInt(30_000),
  },
};
