// The fuzz properties, shared by `npm test` (a few hundred cases) and `npm run fuzz` (scripts/fuzz.ts, many more).
// Every static route comes from gateway.specs, so a new route is fuzzed without touching this file; scenarios come
// from the live registry and are fuzzed with dry_run=true. The invariant, whatever the input:
//   the answer is the envelope {code, message, data} (data: null on errors), its HTTP status is the one the
//   catalogue gives its code, and the code is never 500. Raw successes (image streams, doc pages) are allowed only
//   as 200s of routes that declare them.
import { request as httpRequest } from 'node:http';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { RouteSpec } from '../../src/http/define-route.js';
import type { JsonSchema } from '../../src/http/json-schema.js';

export interface FuzzTarget {
  url: string;
  specs: readonly RouteSpec[];
  scenarioNames(): string[];
}

/** HTTP statuses the catalogue (src/errors.ts) allows for each code. */
export const catalogueStatus: Record<number, number[]> = {
  200: [200], 400: [400], 401: [401], 403: [403], 404: [404], 405: [405], 413: [413], 415: [415], 429: [429], 500: [500],
  1001: [502, 503], 1002: [422], 1003: [400, 500],
};

const hostileStrings = [
  '', ' ', '..', '../../etc/passwd', '%00', '\u0000', '__proto__', 'constructor', 'prototype', '%ff', '%E0%A4%A',
  '\uff0e\uff0e\uff0f', '\ud800', '😀'.repeat(50), 'x'.repeat(5_000), '<script>alert(1)</script>', 'null', 'NaN',
  '-1', '1e309', 'true', '[]', '{}',
];
const hostileKeys = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', '', 'a.b', '$ref'];

const anyString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(...hostileStrings),
);
const anyKey = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(...hostileKeys));
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { depthSize: 'small' },
  fc.jsonValue({ maxDepth: 3 }),
  anyString,
  fc.constantFrom(1e308, -0, Number.MAX_SAFE_INTEGER + 2, true, null),
);

/** A value shaped by the schema (enum member, number in type, string…) or, one time in three, anything at all. */
function valueFor(schema: JsonSchema | undefined): fc.Arbitrary<unknown> {
  const s = (schema ?? {}) as Record<string, unknown>;
  const shaped: fc.Arbitrary<unknown>[] = [];
  if (Array.isArray(s.enum)) shaped.push(fc.constantFrom(...(s.enum as unknown[])));
  const types = ([] as unknown[]).concat(s.type ?? []);
  if (types.includes('boolean')) shaped.push(fc.boolean());
  if (types.includes('integer')) shaped.push(fc.integer({ min: -5, max: 100_000 }));
  if (types.includes('number')) shaped.push(fc.double({ noNaN: true, noDefaultInfinity: true }));
  if (types.includes('string')) shaped.push(anyString);
  if (types.includes('array')) shaped.push(fc.array(valueFor(s.items as JsonSchema | undefined), { maxLength: 4 }));
  if (types.includes('object')) shaped.push(objectFor(s));
  if (shaped.length === 0) return anyJson;
  return fc.oneof({ weight: 2, arbitrary: fc.oneof(...shaped) }, { weight: 1, arbitrary: anyJson });
}

/** Entries (not an object: `__proto__` must survive as a key) for an object schema: known properties, maybe extra. */
function entriesFor(schema: Record<string, unknown>): fc.Arbitrary<[string, unknown][]> {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const known = Object.entries(properties).map(([key, sub]) =>
    fc.option(valueFor(sub).map((value) => [key, value] as [string, unknown]), { nil: undefined }),
  );
  const extra = fc.array(fc.tuple(anyKey, anyJson), { maxLength: 3 });
  return fc.tuple(fc.tuple(...known), extra).map(([picked, more]) => [
    ...picked.filter((entry): entry is [string, unknown] => entry !== undefined),
    ...more,
  ]);
}

function objectFor(schema: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  return entriesFor(schema).map((entries) => Object.fromEntries(entries.filter(([key]) => key !== '__proto__')));
}

/** JSON text from entries, keeping `__proto__` and friends as literal keys. */
function jsonText(entries: [string, unknown][]): string {
  return `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}`).join(',')}}`;
}

/** encodeURIComponent throws on a lone surrogate; a URL cannot carry one anyway, so it goes as U+FFFD. */
function encodeSegment(value: string): string {
  return encodeURIComponent(value.replace(/[\ud800-\udfff]/g, (c, i: number) => (isPaired(value, i) ? c : '\ufffd')));
}

function isPaired(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  if (code < 0xdc00) return (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
  return i > 0 && (text.charCodeAt(i - 1) & 0xfc00) === 0xd800;
}

export interface FuzzRequest {
  method: string;
  path: string;
  body?: string;
  contentType?: string;
}

function requestFor(spec: RouteSpec): fc.Arbitrary<FuzzRequest> {
  const params = [...spec.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
  const pathArb = fc
    .array(fc.oneof(anyString.map(encodeSegment), fc.constantFrom('%ff', '%', '..', '%2e%2e')), {
      minLength: params.length,
      maxLength: params.length,
    })
    .map((values) => params.reduce((p, name, i) => p.replace(`{${name}}`, values[i] || 'x'), spec.path));
  const queryArb = entriesFor((spec.query ?? {}) as Record<string, unknown>).map((entries) => {
    const search = new URLSearchParams();
    for (const [key, value] of entries) search.append(key, typeof value === 'string' ? value : JSON.stringify(value) ?? '');
    const text = search.toString();
    return text ? `?${text}` : '';
  });
  const bodyArb: fc.Arbitrary<string | undefined> = spec.body
    ? fc.oneof(
        { weight: 4, arbitrary: entriesFor(spec.body as Record<string, unknown>).map(jsonText) },
        { weight: 1, arbitrary: anyJson.map((value) => JSON.stringify(value) ?? '') },
        { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
      )
    : fc.constant(undefined);
  return fc.tuple(pathArb, queryArb, bodyArb).map(([path, query, body]) => ({
    method: spec.method.toUpperCase(),
    path: path + query,
    ...(body !== undefined ? { body, contentType: spec.bodyType === 'multipart' ? 'multipart/form-data; boundary=x' : 'application/json' } : {}),
  }));
}

export interface Outcome {
  status: number;
  contentType: string;
  text: string;
}

export async function send(baseUrl: string, request: FuzzRequest): Promise<Outcome> {
  const response = await fetch(baseUrl + request.path, {
    method: request.method,
    headers: request.contentType ? { 'content-type': request.contentType } : {},
    body: request.body,
    // A request that never ends is a failure to report, not a fuzz run that hangs.
    signal: AbortSignal.timeout(15_000),
  });
  const contentType = response.headers.get('content-type') ?? '';
  // An event stream never ends by design: its status and type are the answer, its body is not waited for.
  if (response.ok && contentType.startsWith('text/event-stream')) {
    await response.body?.cancel();
    return { status: response.status, contentType, text: '' };
  }
  return { status: response.status, contentType, text: await response.text() };
}

/** Throws (with what was sent and what came back) when the answer breaks the invariant. */
export function checkAnswer(request: FuzzRequest, outcome: Outcome, rawAllowed: boolean): void {
  const where = `${request.method} ${request.path.slice(0, 200)} body=${request.body?.slice(0, 200)}`;
  const fail = (why: string) => {
    throw new Error(`${why}\n  sent: ${where}\n  got: ${outcome.status} ${outcome.text.slice(0, 300)}`);
  };
  // A raw success (an image, a doc page, the OpenAPI document) of a route that declares one.
  if (rawAllowed && outcome.status === 200) return;
  if (!outcome.contentType.includes('application/json')) {
    // Node's own refusals (431, 400 on a malformed request line) never reach the gateway's code.
    if (outcome.status === 431) return;
    return fail('not a JSON envelope');
  }
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(outcome.text) as Record<string, unknown>;
  } catch {
    return fail('JSON content type, body not JSON');
  }
  if (typeof body.code !== 'number' || typeof body.message !== 'string' || !('data' in body)) fail('not the envelope');
  const code = body.code as number;
  if (code === 500) fail('a 500 from the gateway');
  if (code !== 200 && body.data !== null) fail('an error with data other than null');
  if (!(catalogueStatus[code] ?? []).includes(outcome.status)) fail(`HTTP ${outcome.status} does not match code ${code}`);
}

/** Every static route, fuzzed `runs` times in all. */
export function routeProperty(target: FuzzTarget): fc.IAsyncPropertyWithHooks<[[RouteSpec, FuzzRequest]]> {
  const specs = target.specs;
  return fc.asyncProperty(
    fc.constantFrom(...specs).chain((spec) => fc.tuple(fc.constant(spec), requestFor(spec))),
    async ([spec, request]) => {
      const rawAllowed = spec.rawResponse !== undefined || isOpenRoute(spec);
      checkAnswer(request, await send(target.url, request), rawAllowed);
      if (({} as Record<string, unknown>).polluted !== undefined) throw new Error('Object.prototype was polluted');
    },
  );
}

/** Scenario bodies against the loaded scenarios, dry run: valid-shaped field values, wrong types, special keys. */
export function scenarioProperty(target: FuzzTarget, fields: (name: string) => Record<string, JsonSchema>) {
  const names = target.scenarioNames();
  return fc.asyncProperty(
    fc.constantFrom(...names).chain((name) =>
      fc.tuple(fc.constant(name), entriesFor({ properties: fields(name) }).map(jsonText)),
    ),
    async ([name, body]) => {
      const request: FuzzRequest = {
        method: 'POST',
        path: `/api/v1/scenarios/${encodeURIComponent(name)}?dry_run=true`,
        body,
        contentType: 'application/json',
      };
      checkAnswer(request, await send(target.url, request), false);
    },
  );
}

/** A request below the level of field values: any method, encoding, charset and framing, with raw bytes. */
export interface ProtocolRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
}

const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'SEARCH', 'MKCOL', 'LOCK', 'PURGE'];
const encodings = [undefined, 'identity', 'gzip', 'x-gzip', 'deflate', 'br', 'compress', 'gzip, br', 'GZIP', ''];
const contentTypes = [
  undefined,
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=bogus',
  'application/json; charset=utf-16',
  'application/json; charset="UTF-16LE"',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=fuzz',
  'multipart/form-data',
  'multipart/form-data; boundary=',
];
const multipartBodies = [
  '--fuzz\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\nxx\r\n--fuzz--\r\n',
  '--fuzz\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\nxx',
  '--fuzz\r\nContent-Disposition: form-data\r\n\r\n',
  '--fuzz\r\n\r\n--fuzz--',
  '--other\r\nContent-Disposition: form-data; name="x"\r\n\r\ny\r\n--other--\r\n',
  'not a form',
];

function encode(encoding: string | undefined, bytes: Buffer): Buffer {
  if (encoding === 'gzip' || encoding === 'x-gzip') return gzipSync(bytes);
  if (encoding === 'deflate') return deflateSync(bytes);
  if (encoding === 'br') return brotliCompressSync(bytes);
  return bytes;
}

function protocolRequestFor(paths: readonly string[]): fc.Arbitrary<ProtocolRequest> {
  const bodyBytes: fc.Arbitrary<Buffer> = fc.oneof(
    anyJson.map((value) => Buffer.from(JSON.stringify(value) ?? 'null')),
    fc.uint8Array({ maxLength: 80 }).map((bytes) => Buffer.from(bytes)),
    fc.constantFrom(...multipartBodies).map((text) => Buffer.from(text)),
    fc.constant(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])), // {"a":"\xff\xfe"}
  );
  return fc
    .record({
      method: fc.constantFrom(...methods),
      path: fc.constantFrom(...paths),
      encoding: fc.constantFrom(...encodings),
      type: fc.constantFrom(...contentTypes),
      bytes: fc.option(bodyBytes, { nil: undefined }),
      // Encoded as it claims, or not (a claimed gzip body that is not gzip).
      honest: fc.boolean(),
      truncate: fc.nat({ max: 8 }),
    })
    .map(({ method, path, encoding, type, bytes, honest, truncate }) => {
      const headers: Record<string, string> = {};
      if (type !== undefined) headers['content-type'] = type;
      if (encoding !== undefined) headers['content-encoding'] = encoding;
      let body = bytes === undefined || method === 'TRACE' ? undefined : honest ? encode(encoding, bytes) : bytes;
      if (body && truncate) body = body.subarray(0, Math.max(0, body.length - truncate));
      return { method, path, headers, body };
    });
}

function sendRaw(baseUrl: string, request: ProtocolRequest): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(baseUrl + request.path, { method: request.method, headers: request.headers, timeout: 15_000 }, (res) => {
      const contentType = String(res.headers['content-type'] ?? '');
      // An event stream never ends by design (its heartbeats keep the socket busy): its status and type answer.
      if (res.statusCode === 200 && contentType.startsWith('text/event-stream')) {
        res.destroy();
        resolve({ status: 200, contentType, text: '' });
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 15 s')));
    req.on('error', reject);
    req.end(request.body);
  });
}

/** Every route path (and the scenario routes) with hostile methods, encodings, charsets and multipart framing. */
export function protocolProperty(target: FuzzTarget) {
  const filled = (spec: RouteSpec): string => spec.path.replace(/\{\w+\}/g, '00000000-0000-4000-8000-000000000000');
  const paths = [
    ...target.specs.map(filled),
    ...target.scenarioNames().map((name) => `/api/v1/scenarios/${encodeURIComponent(name)}?dry_run=true`),
    '/nothing-here',
  ];
  return fc.asyncProperty(protocolRequestFor([...new Set(paths)]), async (request) => {
    const outcome = await sendRaw(target.url, request);
    // The route that took it: its path with parameters filled in as above (/ui/{page} is an open page, say).
    const spec = target.specs.find((s) => s.method.toUpperCase() === request.method && request.path === filled(s));
    const rawAllowed = spec !== undefined && (spec.rawResponse !== undefined || isOpenRoute(spec));
    const shown = { method: request.method, path: `${request.path} ${JSON.stringify(request.headers)}`, body: request.body?.toString('latin1') };
    checkAnswer(shown, outcome, rawAllowed);
  });
}

/** A route declared open (service pages, docs): those may answer outside the envelope. */
function isOpenRoute(spec: RouteSpec): boolean {
  return spec.access === 'public' || spec.access === 'health' || spec.access === 'docs';
}
