// A webhook URL is checked when the job is submitted, so a typo is a 400 now rather than a failed delivery later.
// Only the shape is checked (http/https, no credentials, a host): webhooks usually target internal services, and
// a private-address policy belongs with the shared URL policy once it exists (docs/webhooks.md, "Security").

export const MAX_WEBHOOK_URL_LENGTH = 2048;

/** undefined when acceptable, else a short reason. */
export function findWebhookUrlProblem(raw: string): string | undefined {
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
  return undefined;
}
