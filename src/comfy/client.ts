// HTTP to one ComfyUI over a keep-alive undici pool. Every upstream failure leaves here already catalogued:
// unreachable, timed out, 5xx or an unusable body → 1001 naming the address; a rejected workflow → 1002.
// Only headers we choose are sent: a caller's Origin would make ComfyUI answer 403.
import type { Readable } from 'node:stream';
import { Pool, FormData } from 'undici';
import { fail, GatewayError } from '../errors.js';
import { requestText } from './request-text.js';
import type {
  HistoryEntry,
  HistoryResponse,
  ImageType,
  ObjectInfo,
  QueueResponse,
  SubmitRequest,
  SubmitResponse,
  UploadResponse,
} from './types.js';

export interface ComfyClientOptions {
  url: string;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  /** Keep-alive connections to ComfyUI. */
  connections?: number;
  /** Told how each call ended (metrics): 'ok' once ComfyUI answered usably, else the kind of failure. */
  onOutcome?: (outcome: 'ok' | UpstreamFailureKind) => void;
}

/** Why ComfyUI could not be used, in the words an operator searches for. */
export type UpstreamFailureKind = 'refused' | 'connect_timeout' | 'timeout' | 'reset' | 'dns' | 'aborted' | 'bad_answer' | 'other';

export interface ViewResult {
  status: number;
  contentType: string;
  contentLength: string | undefined;
  body: Readable;
}

/** A file in one of ComfyUI's folders; `backend` names the server of a pool that wrote it (one ComfyUI ignores it). */
export interface ViewFile {
  filename: string;
  subfolder?: string;
  type?: ImageType;
  backend?: string | undefined;
}

export interface ComfyClient {
  /** `http://host:port`, for messages and links. */
  readonly address: string;
  submitPrompt(request: SubmitRequest): Promise<SubmitResponse>;
  getQueue(): Promise<QueueResponse>;
  deleteFromQueue(promptIds: string[]): Promise<void>;
  clearQueue(): Promise<void>;
  /** With an id: interrupts that prompt only if it is running (ComfyUI ignores it otherwise). */
  interrupt(promptId?: string): Promise<void>;
  /** undefined when ComfyUI does not know the prompt (it answers `{}`). */
  getHistory(promptId: string): Promise<HistoryEntry | undefined>;
  getHistoryList(maxItems?: number): Promise<HistoryResponse>;
  uploadImage(upload: {
    /** A file-backed Blob (fs.openAsBlob) is streamed from disk, not read into memory first. */
    data: Uint8Array | Blob;
    filename: string;
    subfolder?: string;
    type?: ImageType;
    overwrite?: boolean;
  }): Promise<UploadResponse>;
  /** Streams a file from ComfyUI's /view; 404 → a catalogued not-found. */
  view(file: ViewFile, signal?: AbortSignal): Promise<ViewResult>;
  systemStats(): Promise<Record<string, unknown>>;
  objectInfo(): Promise<ObjectInfo>;
  /** Waits for requests in flight; `force` aborts them (a shutdown whose deadline has passed). */
  close(options?: { force?: boolean }): Promise<void>;
}

export function createComfyClient(options: ComfyClientOptions): ComfyClient {
  const address = new URL(options.url).origin;
  const basePath = new URL(options.url).pathname.replace(/\/+$/, '');
  const pool = new Pool(address, {
    connections: options.connections ?? 32,
    pipelining: 1,
    connect: { timeout: options.connectTimeoutMs },
    headersTimeout: options.requestTimeoutMs,
    bodyTimeout: options.requestTimeoutMs,
    keepAliveTimeout: 30_000,
  });

  async function call(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; text: string; contentType: string }> {
    try {
      const isForm = body instanceof FormData;
      // The whole call, headers and body, within request_timeout_ms.
      const { statusCode, text, contentType } = await requestText(
        pool,
        {
          method,
          path: basePath + path,
          headers: body === undefined || isForm ? {} : { 'content-type': 'application/json' },
          body: body === undefined ? null : isForm ? body : JSON.stringify(body),
        },
        options.requestTimeoutMs,
      );
      if (statusCode >= 500) {
        throw fail.upstreamBadAnswer(address, `HTTP ${statusCode}: ${text.slice(0, 200) || 'empty body'}`);
      }
      if (statusCode === 403) {
        throw fail.upstreamBadAnswer(address, 'HTTP 403: ComfyUI refused the request (Origin/host check)');
      }
      options.onOutcome?.('ok');
      return { status: statusCode, text, contentType };
    } catch (error) {
      options.onOutcome?.(error instanceof GatewayError ? 'bad_answer' : classify(error).kind);
      throw asUpstreamError(address, error);
    }
  }

  function json<T>(path: string, text: string, check: (value: unknown) => boolean): T {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw fail.upstreamBadAnswer(address, `${path} answered non-JSON: ${text.slice(0, 100)}`);
    }
    if (!check(value)) throw fail.upstreamBadAnswer(address, `${path} answered an unexpected shape`);
    return value as T;
  }

  async function expectOk(method: 'GET' | 'POST', path: string, body?: unknown): Promise<string> {
    const answer = await call(method, path, body);
    if (answer.status !== 200) {
      throw fail.upstreamBadAnswer(address, `${path} answered HTTP ${answer.status}: ${answer.text.slice(0, 200)}`);
    }
    return answer.text;
  }

  return {
    address,

    async submitPrompt(request) {
      const answer = await call('POST', '/prompt', request);
      if (answer.status === 400 || answer.status === 409) {
        const parsed = json<{ error?: unknown; node_errors?: unknown }>('/prompt', answer.text, isObject);
        const error = parsed.error;
        const reason = isObject(error)
          ? [error.message, error.details].filter((s) => typeof s === 'string' && s).join(': ')
          : String(error ?? 'rejected');
        throw fail.workflowRejected(reason, { error: parsed.error ?? null, node_errors: parsed.node_errors ?? {} });
      }
      if (answer.status !== 200) {
        throw fail.upstreamBadAnswer(address, `/prompt answered HTTP ${answer.status}`);
      }
      return json<SubmitResponse>('/prompt', answer.text, (v) => isObject(v) && typeof v.prompt_id === 'string');
    },

    async getQueue() {
      const text = await expectOk('GET', '/queue');
      return json<QueueResponse>('/queue', text, (v) =>
        isObject(v) && Array.isArray(v.queue_running) && Array.isArray(v.queue_pending),
      );
    },

    async deleteFromQueue(promptIds) {
      await expectOk('POST', '/queue', { delete: promptIds });
    },

    async clearQueue() {
      await expectOk('POST', '/queue', { clear: true });
    },

    async interrupt(promptId) {
      await expectOk('POST', '/interrupt', promptId ? { prompt_id: promptId } : {});
    },

    async getHistory(promptId) {
      const path = `/history/${encodeURIComponent(promptId)}`;
      const text = await expectOk('GET', path);
      const all = json<HistoryResponse>(path, text, isObject);
      // Own keys only: a prompt id of `__proto__` or `constructor` must not find Object.prototype or Object.
      return Object.hasOwn(all, promptId) ? all[promptId] : undefined;
    },

    async getHistoryList(maxItems) {
      const path = maxItems === undefined ? '/history' : `/history?max_items=${maxItems}`;
      return json<HistoryResponse>(path, await expectOk('GET', path), isObject);
    },

    async uploadImage(upload) {
      const form = new FormData();
      form.set('image', upload.data instanceof Blob ? upload.data : new Blob([upload.data]), upload.filename);
      if (upload.subfolder) form.set('subfolder', upload.subfolder);
      form.set('type', upload.type ?? 'input');
      form.set('overwrite', upload.overwrite === false ? 'false' : 'true');
      const answer = await call('POST', '/upload/image', form);
      if (answer.status === 400) throw fail.file(`ComfyUI refused the upload: ${answer.text.slice(0, 200)}`);
      if (answer.status !== 200) throw fail.upstreamBadAnswer(address, `/upload/image answered ${answer.status}`);
      return json<UploadResponse>('/upload/image', answer.text, (v) => isObject(v) && typeof v.name === 'string');
    },

    async view(file, signal) {
      const query = new URLSearchParams({
        filename: file.filename,
        subfolder: file.subfolder ?? '',
        type: file.type ?? 'output',
      });
      try {
        const response = await pool.request({
          method: 'GET',
          path: `${basePath}/view?${query.toString()}`,
          signal: signal ?? null,
        });
        if (response.statusCode !== 200) {
          const text = await response.body.text();
          if (response.statusCode === 404) throw fail.notFound(`image ${file.filename}`);
          if (response.statusCode === 400 || response.statusCode === 403) {
            throw fail.badRequest(`ComfyUI refused the file reference (${response.statusCode})`);
          }
          throw fail.upstreamBadAnswer(address, `/view answered HTTP ${response.statusCode}: ${text.slice(0, 100)}`);
        }
        options.onOutcome?.('ok');
        const length = response.headers['content-length'];
        return {
          status: 200,
          contentType: String(response.headers['content-type'] ?? 'application/octet-stream'),
          contentLength: typeof length === 'string' ? length : undefined,
          body: response.body,
        };
      } catch (error) {
        // A 404 or a refused reference is an answer, not upstream trouble.
        if (!(error instanceof GatewayError)) options.onOutcome?.(classify(error).kind);
        throw asUpstreamError(address, error);
      }
    },

    async systemStats() {
      return json('/system_stats', await expectOk('GET', '/system_stats'), isObject);
    },

    async objectInfo() {
      return json('/object_info', await expectOk('GET', '/object_info'), isObject);
    },

    async close(closeOptions = {}) {
      if (closeOptions.force) await pool.destroy();
      else await pool.close();
    },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Network-level trouble → 1001 with the address and a short reason a person understands. */
function asUpstreamError(address: string, error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  return fail.upstream(address, classify(error).reason, { cause: error });
}

function classify(error: unknown): { kind: UpstreamFailureKind; reason: string } {
  const code = (error as { code?: string; cause?: { code?: string } }).code
    ?? (error as { cause?: { code?: string } }).cause?.code;
  const name = (error as { name?: string }).name;
  if (code === 'ECONNREFUSED') return { kind: 'refused', reason: 'connection refused' };
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return { kind: 'connect_timeout', reason: 'connect timed out' };
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || name === 'TimeoutError') {
    return { kind: 'timeout', reason: 'timed out' };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { kind: 'dns', reason: 'host not found' };
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return { kind: 'reset', reason: 'connection reset' };
  if (name === 'AbortError') return { kind: 'aborted', reason: 'request aborted' };
  return { kind: 'other', reason: error instanceof Error ? error.message : String(error) };
}
