// Standard Webhooks signing (https://www.standardwebhooks.com): the receiver verifies with any conforming library.
// The signed content is "<webhook-id>.<webhook-timestamp>.<body>", HMAC-SHA256 keyed with the bytes the secret's
// base64 part decodes to; the header value is "v1,<base64 signature>".
import { createHmac, randomUUID } from 'node:crypto';

const PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Whether a configured secret has the Standard Webhooks shape (whsec_ + base64 of at least 16 bytes). */
export function isWebhookSecret(secret: string): boolean {
  if (!secret.startsWith(PREFIX)) return false;
  const encoded = secret.slice(PREFIX.length);
  return BASE64.test(encoded) && encoded.length % 4 === 0 && Buffer.from(encoded, 'base64').length >= 16;
}

/** The HMAC key: the decoded bytes after "whsec_" (what every Standard Webhooks verifier derives). */
export function webhookKey(secret: string): Buffer {
  if (!isWebhookSecret(secret)) throw new Error('a webhook secret is "whsec_" followed by base64 of at least 16 bytes');
  return Buffer.from(secret.slice(PREFIX.length), 'base64');
}

/** "v1,<base64 HMAC-SHA256 of id.timestamp.body>". */
export function signWebhook(key: Buffer, id: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

export interface SignedHeaders {
  'content-type': 'application/json';
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** The headers of one attempt. The id stays the same across retries (receivers deduplicate on it); the timestamp
 * and so the signature are fresh per attempt, so a retry an hour later is not refused as a replay. */
export function signedHeaders(key: Buffer, id: string, timestampSeconds: number, body: string): SignedHeaders {
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': signWebhook(key, id, timestampSeconds, body),
  };
}

/** A message id: unique per message, kept across its retries. */
export function newMessageId(): string {
  return `msg_${randomUUID().replaceAll('-', '')}`;
}
