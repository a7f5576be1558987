// One delivery attempt: POST the signed body, read only the status. Redirects are not followed (a receiver that
// moved answers 3xx, which counts as a failed attempt), and the response body is discarded unread beyond a drain.
// SSRF: the address policy (src/images/url-policy.ts, with the webhooks' own allow-list) is applied when the
// connection is made, to the address actually connected to, so a DNS answer cannot change between check and use.
import { lookup as dnsLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent, request } from 'undici';
import { normalizeHost, type UrlPolicy } from '../images/url-policy.js';
import { literalRefusal, refusalText, type RefusalText } from './webhook-url.js';

/** `final`: retrying cannot help (the policy refuses the address), so the dispatcher stops. */
export type AttemptResult =
  | { ok: true; status: number }
  | { ok: false; status: number | null; error: string; final?: boolean };

export type WebhookPoster = (url: string, headers: Record<string, string>, body: string) => Promise<AttemptResult>;

export interface HttpPoster {
  post: WebhookPoster;
  /** Waits for attempts in flight. */
  close(): Promise<void>;
  /** Aborts attempts in flight (shutdown: a slow receiver must not hold it up). */
  destroy(): Promise<void>;
}

/** An undici agent of its own, so a slow receiver never holds connections the ComfyUI client needs. */
export function createHttpPoster(options: { timeoutMs: number; policy?: UrlPolicy }): HttpPoster {
  const policy = options.policy;
  const agent = new Agent({
    connect: { timeout: options.timeoutMs, ...(policy ? { lookup: guardedLookup(policy) } : {}) },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    keepAliveTimeout: 4_000,
  });
  return {
    async post(url, headers, body) {
      // Node connects to an IP literal without a lookup, so literals are checked here.
      const refused = policy ? literalRefusal(policy, url) : undefined;
      if (refused) return { ok: false, status: null, error: refused, final: true };
      try {
        const response = await request(url, {
          method: 'POST',
          headers,
          body,
          dispatcher: agent,
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        // The body is not ours to keep; draining it lets the connection be reused.
        await response.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
        const status = response.statusCode;
        if (status >= 200 && status < 300) return { ok: true, status };
        return { ok: false, status, error: `the receiver answered HTTP ${status}` };
      } catch (error) {
        const refusal = findRefusal(error);
        if (refusal) return { ok: false, status: null, error: refusal, final: true };
        return { ok: false, status: null, error: describe(error, options.timeoutMs) };
      }
    },
    close: () => agent.close(),
    destroy: () => agent.destroy(),
  };
}

function describe(error: unknown, timeoutMs: number): string {
  const err = error as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = err.code ?? err.cause?.code;
  if (err.name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT') {
    return `no answer within ${timeoutMs} ms`;
  }
  const text = err.cause?.message ?? err.message ?? String(error);
  return code ? `${code}: ${text}` : text;
}

class RefusedAddress extends Error {
  readonly code = 'EWEBHOOKREFUSED';
}

/**
 * dns.lookup, then every answer through the policy; the connection uses only addresses that passed. Output
 * deliveries to a caller's URL (src/outputs/put-url.ts) connect through it too, with their own wording.
 */
export function guardedLookup(policy: UrlPolicy, text: RefusalText = refusalText): LookupFunction {
  return ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => {
      if (error) return callback(error);
      if (!policy.hostAllowed(hostname)) {
        // All of them: a host answering with one public and one inside address is refused.
        for (const { address } of addresses) {
          const rule = policy.refusal(address);
          if (rule) return callback(new RefusedAddress(text(normalizeHost(hostname), rule, address)));
        }
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }));
      callback(null, first.address, first.family);
    });
  }) as unknown as LookupFunction;
}

export function findRefusal(error: unknown): string | undefined {
  for (let current = error as { cause?: unknown } | undefined, depth = 0; current && depth < 5; depth++) {
    if (current instanceof RefusedAddress) return current.message;
    current = current.cause as { cause?: unknown } | undefined;
  }
  return undefined;
}
