// Delivering an output with an HTTP(S) PUT to a URL the caller gave (typically a presigned upload URL of their
// own bucket): `?put_url=` on the submit routes, one per file of the result, in order. The same SSRF rules as
// image URLs and webhooks: no user name or password, an IP literal checked at submit time, every address a host
// name resolves to checked when the connection is made (outputs.put.allow_hosts / allow_cidrs open exceptions).
// Redirects are not followed. The body streams; its length is sent when known (presigned S3 PUTs need it).
import type { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import type { UrlPolicy } from '../images/url-policy.js';
import { findRefusal, guardedLookup } from '../webhooks/post.js';
import { findWebhookUrlProblem, literalRefusal } from '../webhooks/webhook-url.js';

export const MAX_PUT_URLS = 16;

/** The sink name of deliveries to a caller's `?put_url=` (no configured sink may be called so). */
export const PUT_SINK = 'put_url';

export interface UrlPutter {
  put(url: string, body: Readable, contentType: string, length: number | undefined, signal?: AbortSignal): Promise<void>;
  /** undefined when the URL may be used, else why not (checked at submit time). */
  problem(url: string): string | undefined;
  close(): Promise<void>;
}

const putRefusal = (host: string, rule: string, address: string): string =>
  `${host} is ${rule} (${address}); allow it with outputs.put.allow_hosts or outputs.put.allow_cidrs`;

export function createUrlPutter(options: { policy: UrlPolicy; timeoutMs: number }): UrlPutter {
  const agent = new Agent({
    connect: { timeout: options.timeoutMs, lookup: guardedLookup(options.policy, putRefusal) },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
  return {
    problem(url) {
      const problem = findWebhookUrlProblem(url);
      return problem ?? literalRefusal(options.policy, url, putRefusal);
    },
    async put(url, body, contentType, length, signal) {
      const refused = literalRefusal(options.policy, url, putRefusal);
      if (refused) throw new Error(refused);
      try {
        const headers: Record<string, string> = { 'content-type': contentType };
        if (length !== undefined) headers['content-length'] = String(length);
        const response = await request(url, { method: 'PUT', headers, body, dispatcher: agent, ...(signal ? { signal } : {}) });
        const text = await response.body.text().catch(() => '');
        if (response.statusCode < 200 || response.statusCode >= 300) {
          throw new Error(`the receiver answered HTTP ${response.statusCode}${text ? `: ${text.slice(0, 200)}` : ''}`);
        }
      } catch (error) {
        const refusal = findRefusal(error);
        throw refusal ? new Error(refusal) : error;
      }
    },
    close: () => agent.close(),
  };
}

/** A URL as a job document shows it: without its query, where a presigned URL keeps its signature. */
export function shownUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}
