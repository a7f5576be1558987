// The string a signed request signs, and how to sign it. One definition shared by the gateway's verifier, the
// `npm run sign` helper and the tests, so the three can never disagree about a newline or a sort order.
import { createHash, randomUUID, sign, constants, type KeyObject } from 'node:crypto';

/** RSA-PSS with SHA-256; the salt is as long as the digest (32 bytes), which every common library can produce. */
export const pssOptions = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } as const;

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The query as signed: its `k=v` pieces exactly as they appear in the URL (still percent-encoded), sorted by name
 * (then by the whole piece, so repeated names have one order too), joined by `&`. Sorting by code unit, not by
 * locale, so every language sorts the same way.
 */
export function canonicalQuery(rawQuery: string): string {
  const pieces = rawQuery.replace(/^\?/, '').split('&').filter((piece) => piece !== '');
  const nameOf = (piece: string) => {
    const at = piece.indexOf('=');
    return at === -1 ? piece : piece.slice(0, at);
  };
  const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return pieces.sort((a, b) => byCodeUnit(nameOf(a), nameOf(b)) || byCodeUnit(a, b)).join('&');
}

export interface CanonicalParts {
  method: string;
  /** The URL path as sent, still percent-encoded, without the query. */
  path: string;
  /** The raw query string, in any order, with or without the leading `?`. */
  query: string;
  /** The raw body bytes (empty when there is none). */
  body: Uint8Array | string;
  timestamp: string | number;
  nonce: string;
}

/** METHOD \n PATH \n QUERY \n SHA256(body) \n TIMESTAMP \n NONCE */
export function canonicalString(parts: CanonicalParts): string {
  return [
    parts.method.toUpperCase(),
    parts.path,
    canonicalQuery(parts.query),
    sha256Hex(parts.body),
    String(parts.timestamp),
    parts.nonce,
  ].join('\n');
}

export interface SignatureHeaders {
  'X-Signature': string;
  'X-Timestamp': string;
  'X-Nonce': string;
}

/** Signs a request the way the gateway verifies it. Timestamp and nonce default to now and a fresh UUID. */
export function signRequest(
  privateKey: KeyObject,
  parts: Omit<CanonicalParts, 'timestamp' | 'nonce'> & { timestamp?: number; nonce?: string },
): SignatureHeaders {
  const timestamp = String(parts.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = parts.nonce ?? randomUUID();
  const data = Buffer.from(canonicalString({ ...parts, timestamp, nonce }), 'utf8');
  const signature = sign('sha256', data, { key: privateKey, ...pssOptions }).toString('base64');
  return { 'X-Signature': signature, 'X-Timestamp': timestamp, 'X-Nonce': nonce };
}
