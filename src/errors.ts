// The one error catalogue: every code and its HTTP status. Code anywhere throws a GatewayError; exactly one
// middleware (src/http/error-middleware.ts) turns it into an envelope. Nothing else writes error responses.
import type { Locale, Message, MessageKey } from './i18n.js';
import { translate } from './i18n.js';

export type ErrorCode = 400 | 401 | 403 | 404 | 405 | 408 | 413 | 415 | 429 | 500 | 503 | 1001 | 1002 | 1003;

const defaultStatus: Record<ErrorCode, number> = {
  400: 400,
  401: 401,
  403: 403,
  404: 404,
  405: 405,
  408: 408,
  413: 413,
  415: 415,
  429: 429,
  500: 500,
  503: 503,
  1001: 502,
  1002: 422,
  1003: 400,
};

type Params = Record<string, string | number | Message>;

/** Why a request was refused: a catalogue message (rendered in the caller's language when answered), or a text. */
export type Reason = string | Message;

export interface GatewayErrorOptions {
  status?: number;
  /** More to say (ComfyUI's node_errors, the field that failed): sent beside `data`, never in place of it. */
  details?: Record<string, unknown>;
  cause?: unknown;
  /** Extra response headers (Retry-After, WWW-Authenticate). */
  headers?: Record<string, string>;
}

export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly key: MessageKey;
  readonly params: Params;
  readonly details: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;
  /** Koa's convention: a client error's message may be shown; a 500's never is. */
  readonly expose: boolean;

  constructor(code: ErrorCode, key: MessageKey, params: Params = {}, options: GatewayErrorOptions = {}) {
    super(translate('en', key, params), { cause: options.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.status = options.status ?? defaultStatus[code];
    this.key = key;
    this.params = params;
    this.details = options.details;
    this.headers = options.headers;
    this.expose = code !== 500;
  }

  messageIn(locale: Locale): string {
    return translate(locale, this.key, this.params);
  }

  /** The same catalogued error, answered differently (e.g. health's 503 with details; extra headers are added). */
  with(options: Pick<GatewayErrorOptions, 'status' | 'details' | 'headers'>): GatewayError {
    return new GatewayError(this.code, this.key, this.params, {
      status: options.status ?? this.status,
      details: options.details ?? this.details,
      headers: options.headers ? { ...this.headers, ...options.headers } : this.headers,
      cause: this,
    });
  }
}

/** The constructors every module uses, so that codes, statuses and texts stay in this one file. */
export const fail = {
  badRequest: (reason: Reason, details?: Record<string, unknown>) =>
    new GatewayError(400, 'error.bad_request', { reason }, { details }),
  invalidJson: (reason: string | Message) => new GatewayError(400, 'error.invalid_json', { reason }),
  unauthorized: () =>
    new GatewayError(401, 'error.unauthorized', {}, { headers: { 'WWW-Authenticate': 'Bearer' } }),
  forbidden: (reason: Reason) => new GatewayError(403, 'error.forbidden', { reason }),
  notFound: (what: Reason) => new GatewayError(404, 'error.not_found', { what }),
  routeNotFound: (method: string, path: string) => new GatewayError(404, 'error.route_not_found', { method, path }),
  /** The path exists, not with this method; `allow` goes into the Allow header as well. */
  methodNotAllowed: (method: string, path: string, allow: readonly string[]) =>
    new GatewayError(405, 'error.method_not_allowed', { method, path, allow: allow.join(', ') }, {
      headers: { Allow: allow.join(', ') },
    }),
  tooLarge: (limit: Reason) => new GatewayError(413, 'error.too_large', { limit }),
  /** A form past one of its limits other than the byte size (too many files or fields), or a part too big. */
  formLimit: (reason: Message, status: 400 | 413) => new GatewayError(status === 413 ? 413 : 400, 'error.form_limit', { reason }, { status }),
  /** A multipart body whose framing is broken (no boundary, truncated, malformed part headers). */
  badForm: (reason: string) => new GatewayError(400, 'error.bad_form', { reason }),
  /** The body's bytes do not decode as their headers say (corrupt gzip data, invalid UTF-8). */
  badBodyEncoding: (reason: Message) => new GatewayError(400, 'error.bad_body_encoding', { reason }),
  /** A Content-Encoding or charset the gateway does not read. */
  requestTimeout: () => new GatewayError(408, 'error.request_timeout'),
  unsupportedEncoding: (reason: Message) => new GatewayError(415, 'error.unsupported_encoding', { reason }),
  rateLimited: (seconds: number) =>
    new GatewayError(429, 'error.rate_limited', { seconds }, { headers: { 'Retry-After': String(seconds) } }),
  internal: (requestId: string, cause?: unknown) => new GatewayError(500, 'error.internal', { requestId }, { cause }),
  /** The shared state store (Redis) did not answer: the request cannot be checked or kept, so it is not run. */
  storeUnavailable: (cause?: unknown) =>
    new GatewayError(503, 'error.store_unavailable', {}, { cause, headers: { 'Retry-After': '1' } }),
  /** ComfyUI unreachable or timed out. 503 when no backend is healthy at all. */
  upstream: (address: string, reason: Reason, options: { status?: number; cause?: unknown } = {}) =>
    new GatewayError(1001, 'error.upstream', { address, reason }, options),
  upstreamBadAnswer: (address: string, reason: string, cause?: unknown) =>
    new GatewayError(1001, 'error.upstream_bad_answer', { address, reason }, { cause }),
  workflowRejected: (reason: string, details: Record<string, unknown>) =>
    new GatewayError(1002, 'error.workflow_rejected', { reason }, { details }),
  /** Signed requests (src/security/signature.ts): each 401 says which check failed. */
  signatureMissing: (header: string) => new GatewayError(401, 'error.signature_missing', { header }),
  signatureTimestamp: (value: string) => new GatewayError(401, 'error.signature_timestamp', { value }),
  signatureStale: (seconds: number, tolerance: number) =>
    new GatewayError(401, 'error.signature_stale', { seconds, tolerance }),
  signatureFuture: (seconds: number, tolerance: number) =>
    new GatewayError(401, 'error.signature_future', { seconds, tolerance }),
  signatureNonce: () => new GatewayError(401, 'error.signature_nonce'),
  signatureReplayed: () => new GatewayError(401, 'error.signature_replayed'),
  signatureInvalid: () => new GatewayError(401, 'error.signature_invalid'),
  /** A WebSocket opened without a signature while the signed groups cover submission: it may watch, not submit. */
  socketSubmitUnsigned: () => new GatewayError(401, 'error.signature_socket_submit'),
  /** A key limited to some scenarios: another scenario, or a raw workflow / queue wipe that would bypass the list. */
  scenarioForbidden: (name: string) => new GatewayError(403, 'error.scenario_forbidden', { name }),
  rawWorkflowForbidden: () => new GatewayError(403, 'error.raw_workflow_forbidden'),
  /** A route declared for admins only, called with a caller's key. */
  adminOnly: () => new GatewayError(403, 'error.admin_only'),
  /** A bad file from the caller (400), or a storage fault of ours (500). */
  file: (reason: Reason, options: { status?: 400 | 500; cause?: unknown } = {}) =>
    new GatewayError(1003, 'error.file', { reason }, options),
};

export function isGatewayError(value: unknown): value is GatewayError {
  return value instanceof GatewayError;
}
