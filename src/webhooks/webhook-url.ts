// A webhook URL is checked when the job is submitted, so a typo is a 400 now rather than a failed delivery later:
// http/https, no credentials, a host, and (when the host is an IP literal) the address policy. A host name is
// resolved and checked when the delivery connects (src/webhooks/post.ts), where the answer is the one used.
import { isIP } from 'node:net';
import { normalizeHost, type UrlPolicy } from '../images/url-policy.js';

export const MAX_WEBHOOK_URL_LENGTH = 2048;

/** undefined when acceptable, else a short reason. */
export function findWebhookUrlProblem(raw: string, policy?: UrlPolicy): string | undefined {
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) return `longer than ${MAX_WEBHOOK_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not an absolute URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `scheme "${url.protocol.slice(0, -1)}"`;
  if (url.username || url.password) return 'it contains a user name or password';
  if (!url.hostname) return 'no host';
  return policy ? literalRefusal(policy, raw) : undefined;
}

export function refusalText(host: string, rule: string, address: string): string {
  return `${host} is ${rule} (${address}); allow it with webhooks.allow_hosts or webhooks.allow_cidrs`;
}

/** Words a refused address in a reason, naming the allow-list that would let it through. */
export type RefusalText = (host: string, rule: string, address: string) => string;

/** The policy's verdict on a URL whose host is an IP literal (Node connects to those without a lookup). */
export function literalRefusal(policy: UrlPolicy, raw: string, text: RefusalText = refusalText): string | undefined {
  let host: string;
  try {
    host = normalizeHost(new URL(raw).hostname);
  } catch {
    return 'not an absolute URL';
  }
  if (!isIP(host) || policy.hostAllowed(host)) return undefined;
  const rule = policy.refusal(host);
  return rule ? text(host, rule, host) : undefined;
}

/** The `webhook` property of a submit body (workflows/submit and every scenario): one schema for both and the docs. */
export const webhookBodyProperty = {
  type: 'string',
  minLength: 1,
  maxLength: MAX_WEBHOOK_URL_LENGTH,
  description:
    'Where to POST the job\'s end (job.succeeded, job.failed, job.interrupted, job.cancelled), signed the Standard Webhooks way; ' +
    'see docs/webhooks.md. Needs webhooks.secret in gateway.yaml.',
  example: 'https://example.com/hooks/comfy',
} as const;
