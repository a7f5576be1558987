// Fetches an image a caller named by URL into a staging file, without letting the URL reach inside (SSRF).
// Every hop is checked the same way: scheme, then the host's addresses (resolved here, once), then a connection
// pinned to the address that was checked, so a second DNS answer cannot swap in another one (DNS rebinding).
// Redirects are followed by hand, up to the limit, each one a new hop. The body is streamed to disk and cut off
// past max_bytes; what it is (an image or not) is for the upload pipeline to judge by its bytes.
import { lookup as dnsLookup } from 'node:dns/promises';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Agent, request } from 'undici';
import { fail, isGatewayError } from '../errors.js';
import { translate, type Locale } from '../i18n.js';
import { normalizeHost, type UrlPolicy } from './url-policy.js';

export interface ResolvedAddress {
  address: string;
  family: number;
}

export interface RemoteFetchOptions {
  policy: UrlPolicy;
  maxBytes: number;
  /** For the whole fetch, redirects included. */
  timeoutMs: number;
  maxRedirects: number;
  /** Every address of a host name; dns.lookup by default (tests pass their own). */
  resolve?: (hostname: string) => Promise<ResolvedAddress[]>;
}

export interface FetchedFile {
  filepath: string;
  size: number;
  /** The last segment of the final URL's path, as a hint for the stored name. */
  originalFilename: string | null;
}

export interface FetchContext {
  locale: Locale;
  /** Named in every message: the scenario field or the workflow input the URL was given for. */
  field: string;
}

export type RemoteFetcher = (url: string, destination: string, context: FetchContext) => Promise<FetchedFile>;

const REDIRECT = new Set([301, 302, 303, 307, 308]);

const systemResolve = async (hostname: string): Promise<ResolvedAddress[]> =>
  dnsLookup(hostname, { all: true, verbatim: true });

export function createRemoteFetcher(options: RemoteFetchOptions): RemoteFetcher {
  const resolve = options.resolve ?? systemResolve;

  return async (firstUrl, destination, context) => {
    const say = (key: Parameters<typeof translate>[1], params: Record<string, string | number>) =>
      translate(context.locale, key, { field: context.field, ...params });
    // A timer of our own, cleared when the fetch ends: a signal that fired later would abort a finished request.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), options.timeoutMs);
    const signal = controller.signal;
    let url = parseUrl(firstUrl, say);

    try {
      for (let hop = 0; ; hop++) {
        const address = await checkedAddress(url, options.policy, resolve, say);
        const agent = pinnedAgent(address, options.timeoutMs);
        try {
          const response = await request(url, {
            method: 'GET',
            dispatcher: agent,
            signal,
            headers: { accept: 'image/*', 'user-agent': 'comfyui-scenario-gateway' },
          });
          const location = response.headers.location;
          if (REDIRECT.has(response.statusCode) && typeof location === 'string') {
            await response.body.dump();
            if (hop >= options.maxRedirects) {
              throw fail.badRequest(say('reason.fetch_redirects', { url: firstUrl, limit: options.maxRedirects }));
            }
            url = parseUrl(new URL(location, url).href, say);
            continue;
          }
          if (response.statusCode < 200 || response.statusCode > 299) {
            await response.body.dump();
            throw fail.badRequest(say('reason.fetch_status', { url: url.href, status: response.statusCode }));
          }
          const declared = Number(response.headers['content-length']);
          const tooLarge = () => fail.tooLarge(say('reason.fetch_too_large', { url: url.href, limit: options.maxBytes }));
          if (declared > options.maxBytes) {
            // undici reports the destroyed body as an aborted request: expected here, not worth an unhandled error.
            response.body.on('error', () => undefined).destroy();
            throw tooLarge();
          }
          const size = await saveCapped(response.body, destination, options.maxBytes, tooLarge);
          return { filepath: destination, size, originalFilename: lastSegment(url) };
        } finally {
          await agent.close().catch(() => undefined);
        }
      }
    } catch (error) {
      await rm(destination, { force: true });
      if (isGatewayError(error)) throw error;
      if (signal.aborted) throw fail.badRequest(say('reason.fetch_timeout', { url: firstUrl, ms: options.timeoutMs }));
      throw fail.badRequest(say('reason.fetch_failed', { url: url.href, reason: describe(error) }));
    } finally {
      clearTimeout(timer);
    }
  };
}

type Say = (key: Parameters<typeof translate>[1], params: Record<string, string | number>) => string;

function parseUrl(text: string, say: Say): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw fail.badRequest(say('reason.fetch_failed', { url: text, reason: say('reason.fetch_not_url', {}) }));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw fail.badRequest(say('reason.fetch_scheme', { url: url.href }));
  }
  // Credentials in a URL would be sent on; an image link has no business carrying them.
  if (url.username || url.password) {
    throw fail.badRequest(say('reason.fetch_failed', { url: redact(url), reason: say('reason.fetch_credentials', {}) }));
  }
  return url;
}

/** The one address this hop connects to, after every address of the host passed the policy. */
async function checkedAddress(
  url: URL,
  policy: UrlPolicy,
  resolve: (hostname: string) => Promise<ResolvedAddress[]>,
  say: Say,
): Promise<ResolvedAddress> {
  const host = normalizeHost(url.hostname);
  const literal = isIP(host);
  let addresses: ResolvedAddress[];
  if (literal) {
    addresses = [{ address: host, family: literal }];
  } else {
    try {
      addresses = await resolve(host);
    } catch (error) {
      throw fail.badRequest(say('reason.fetch_failed', { url: url.href, reason: say('reason.fetch_unresolved', { host, reason: describe(error) }) }));
    }
    if (!addresses.length) {
      throw fail.badRequest(say('reason.fetch_failed', { url: url.href, reason: say('reason.fetch_no_address', { host }) }));
    }
  }
  if (!policy.hostAllowed(host)) {
    // All of them, not only the first: a host that answers with one public and one inside address is refused.
    for (const { address } of addresses) {
      const rule = policy.refusal(address);
      if (rule) throw fail.badRequest(say('reason.fetch_refused', { url: url.href, rule, address }));
    }
  }
  return addresses[0] as ResolvedAddress;
}

/** An agent whose every connection goes to `pinned`: TLS still verifies the certificate against the host name. */
function pinnedAgent(pinned: ResolvedAddress, timeoutMs: number): Agent {
  const lookup = ((_hostname, options, callback) => {
    if (options.all) callback(null, [pinned]);
    else callback(null, pinned.address, pinned.family);
  }) as LookupFunction;
  return new Agent({
    connect: { lookup, timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    pipelining: 0,
  });
}

async function saveCapped(
  body: NodeJS.ReadableStream,
  destination: string,
  maxBytes: number,
  tooLarge: () => Error,
): Promise<number> {
  let size = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > maxBytes) callback(tooLarge());
      else callback(null, chunk);
    },
  });
  await pipeline(body, cap, createWriteStream(destination, { flags: 'wx' }));
  return size;
}

function lastSegment(url: URL): string | null {
  const segment = url.pathname.split('/').pop() ?? '';
  try {
    return decodeURIComponent(segment) || null;
  } catch {
    return segment || null;
  }
}

function redact(url: URL): string {
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}

function describe(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}
