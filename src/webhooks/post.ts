// One delivery attempt: POST the signed body, read only the status. Redirects are not followed (a receiver that
// moved answers 3xx, which counts as a failed attempt), and the response body is discarded unread beyond a drain.
import { Agent, request } from 'undici';

export type AttemptResult = { ok: true; status: number } | { ok: false; status: number | null; error: string };

export type WebhookPoster = (url: string, headers: Record<string, string>, body: string) => Promise<AttemptResult>;

export interface HttpPoster {
  post: WebhookPoster;
  close(): Promise<void>;
}

/** An undici agent of its own, so a slow receiver never holds connections the ComfyUI client needs. */
export function createHttpPoster(options: { timeoutMs: number }): HttpPoster {
  const agent = new Agent({
    connect: { timeout: options.timeoutMs },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    keepAliveTimeout: 4_000,
  });
  return {
    async post(url, headers, body) {
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
        return { ok: false, status: null, error: describe(error, options.timeoutMs) };
      }
    },
    close: () => agent.close(),
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
