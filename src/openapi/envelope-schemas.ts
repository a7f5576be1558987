// The envelope as the document describes it: the success wrapper around a route's `data` schema, the one shared
// ErrorEnvelope component, and the code table. Statuses and texts come from the catalogue (src/errors.ts,
// src/i18n.ts) so that the document cannot drift from what the error middleware really sends.
import type { ReferenceObject, ResponseObject, SchemaObject } from 'openapi3-ts/oas31';
import { GatewayError, type ErrorCode } from '../errors.js';
import type { JsonSchema } from '../http/json-schema.js';
import type { Locale, MessageKey } from '../i18n.js';

export const ERROR_ENVELOPE = 'ErrorEnvelope';
export const errorEnvelopeRef: ReferenceObject = { $ref: `#/components/schemas/${ERROR_ENVELOPE}` };

interface CodeInfo {
  meaning: string;
  /** The catalogue text used for the example answer. */
  key: MessageKey;
  params: Record<string, string>;
  /** Statuses other than the catalogue default that the code is also sent with. */
  alsoStatus?: number[];
}

// Every catalogue code, in table order. `satisfies Record<ErrorCode, …>` makes a new code in errors.ts fail the
// typecheck here until it is documented.
const codes = {
  400: { meaning: 'Bad request parameters (body, query or path)', key: 'error.bad_request', params: { reason: 'body.prompt is required' } },
  401: { meaning: 'Missing or wrong API key', key: 'error.unauthorized', params: {} },
  403: { meaning: 'Not allowed', key: 'error.forbidden', params: { reason: '…' } },
  404: { meaning: 'Resource does not exist (route, scenario, prompt, image)', key: 'error.not_found', params: { what: '…' } },
  405: {
    meaning: 'The path exists, not with this method (the Allow header lists those it takes)',
    key: 'error.method_not_allowed',
    params: { method: 'GET', path: '/api/v1/workflows/submit', allow: 'POST' },
  },
  408: {
    meaning: 'The client sent its headers or body too slowly (server.headers_timeout_ms, request_timeout_ms); the connection is closed',
    key: 'error.request_timeout',
    params: {},
  },
  413: { meaning: 'Body or upload too large', key: 'error.too_large', params: { limit: '1048576 bytes' } },
  415: {
    meaning: 'A Content-Encoding or charset the gateway does not read (send UTF-8, identity, gzip, deflate or br)',
    key: 'error.unsupported_encoding',
    params: { reason: 'charset "utf-16"' },
  },
  429: { meaning: 'Rate limited (see Retry-After)', key: 'error.rate_limited', params: { seconds: '1' } },
  500: { meaning: 'Internal error (the message never carries a stack)', key: 'error.internal', params: { requestId: '…' } },
  503: {
    meaning: 'The shared state store (Redis, store.kind: redis) did not answer; retry shortly (see Retry-After)',
    key: 'error.store_unavailable',
    params: {},
  },
  1001: {
    meaning: 'ComfyUI unreachable, timed out, or answered something unusable (503 when no backend is healthy)',
    key: 'error.upstream',
    params: { address: 'http://127.0.0.1:8188', reason: 'ECONNREFUSED' },
    alsoStatus: [503],
  },
  1002: { meaning: 'ComfyUI rejected the workflow (node_errors in details)', key: 'error.workflow_rejected', params: { reason: '…' } },
  1003: {
    meaning: 'File operation failed (400 for a bad file, 500 for a storage fault)',
    key: 'error.file',
    params: { reason: '…' },
    alsoStatus: [500],
  },
} as const satisfies Record<ErrorCode, CodeInfo>;

export const allErrorCodes = Object.keys(codes).map(Number) as ErrorCode[];

/** The HTTP status the error middleware sends a code with by default (read from the catalogue itself). */
export function statusOf(code: ErrorCode): number {
  return new GatewayError(code, codes[code].key, codes[code].params).status;
}

function statusesOf(code: ErrorCode): number[] {
  const info: CodeInfo = codes[code];
  return [statusOf(code), ...(info.alsoStatus ?? [])];
}

export function errorEnvelopeSchema(): SchemaObject {
  return {
    type: 'object',
    description: 'Every error answer. `data` is always null; `details`, when present, says more.',
    required: ['code', 'message', 'data'],
    properties: {
      code: { type: 'integer', enum: allErrorCodes, description: 'Catalogue code (see the table in the introduction).' },
      message: { type: 'string', description: 'A sentence for a human, in the gateway\'s locale.' },
      data: { type: 'null' },
      details: {
        type: 'object',
        additionalProperties: true,
        description: 'More to say: the fields that failed validation (`errors`), ComfyUI\'s `node_errors`, …',
      },
    },
  };
}

/** The success wrapper: `{code: 200, message, data: <the route's own schema>}`. The data schema is not copied. */
export function successEnvelope(data: JsonSchema | undefined): SchemaObject {
  return {
    type: 'object',
    required: ['code', 'message', 'data'],
    properties: {
      code: { type: 'integer', const: 200 },
      message: { type: 'string' },
      data: (data ?? {}) as SchemaObject,
    },
  };
}

/** Error responses keyed by HTTP status; several codes may share one status (400 and 1003). */
export function errorResponses(errorCodes: Iterable<ErrorCode>, locale: Locale): Record<string, ResponseObject> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(errorCodes)) {
    for (const status of statusesOf(code)) byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, ResponseObject> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    list.sort((a, b) => a - b);
    const examples = Object.fromEntries(
      list.map((code) => [
        `code_${code}`,
        { summary: `${code}: ${codes[code].meaning}`, value: { code, message: exampleMessage(code, locale), data: null } },
      ]),
    );
    responses[String(status)] = {
      description: list.map((code) => `${code}: ${codes[code].meaning}`).join('; '),
      content: { 'application/json': { schema: errorEnvelopeRef, examples } },
    };
  }
  return responses;
}

function exampleMessage(code: ErrorCode, locale: Locale): string {
  return new GatewayError(code, codes[code].key, codes[code].params).messageIn(locale);
}

/** The introduction: the envelope and the code table, in Markdown (both Swagger UI and ReDoc render it). */
export function envelopeDescription(): string {
  const rows = allErrorCodes.map((code) => `| ${code} | ${codes[code].meaning} | ${statusesOf(code).join(' / ')} |`);
  return [
    'Every answer (except documentation pages, image downloads and other raw files) is one JSON envelope:',
    '',
    '```json',
    '{ "code": 200, "message": "success", "data": { } }',
    '```',
    '',
    '`code` is 200 on success. On error `data` is `null`, and an optional `details` object beside it says more',
    '(the fields that failed validation, ComfyUI\'s `node_errors`).',
    '',
    '| code | meaning | HTTP status |',
    '|---|---|---|',
    '| 200 | success | 200 |',
    ...rows,
  ].join('\n');
}
