// The one try/catch, and the only writer of error answers. Whatever is thrown below it, by our code or by a library,
// leaves the gateway as one envelope {code, message, data: null, details?}. Only unexpected errors are logged as
// errors.
import type { Context, Middleware } from 'koa';
import { fail, isGatewayError, type GatewayError } from '../errors.js';
import type { Locale } from '../i18n.js';
import type { Logger } from '../log.js';
import type { Envelope, GatewayState } from './envelope.js';
import { formatBytes } from './format-bytes.js';

export function errorMiddleware(rootLog: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      // Nothing matched: Koa leaves 404 with no body. Say which route was asked for.
      if (ctx.status === 404 && ctx.body == null) throw fail.routeNotFound(ctx.method, ctx.path);
    } catch (thrown) {
      const state = ctx.state as Partial<GatewayState>;
      const log = state.log ?? rootLog;
      const error = toGatewayError(thrown, state.requestId ?? '-');
      if (error.code === 500) log.error({ err: thrown, method: ctx.method, url: ctx.url }, 'unexpected error');
      else log.debug({ code: error.code, msg: error.message }, 'request refused');
      if (ctx.headerSent || !ctx.writable) {
        // A stream broke after the status line went out: nothing can be said to the caller any more.
        ctx.res.destroy();
        return;
      }
      writeError(ctx, error, state);
    }
  };
}

/** The one shape of an error answer, for HTTP and for the WebSocket alike. */
export function toEnvelope(error: GatewayError, locale: Locale): Envelope<null> {
  const body: Envelope<null> = { code: error.code, message: error.messageIn(locale), data: null };
  if (error.details !== undefined) body.details = error.details;
  return body;
}

function writeError(ctx: Context, error: GatewayError, state: Partial<GatewayState>): void {
  const body = toEnvelope(error, state.locale ?? 'zh-CN');
  // Headers set before the failure (a half-prepared download) must not leak into the error answer.
  for (const name of Object.keys(ctx.response.headers)) {
    if (name !== 'x-request-id') ctx.remove(name);
  }
  for (const [name, value] of Object.entries(error.headers ?? {})) ctx.set(name, value);
  ctx.status = error.status;
  ctx.body = body;
}

interface HttpishError {
  status?: unknown;
  statusCode?: unknown;
  httpCode?: unknown;
  type?: unknown;
  expose?: unknown;
  message?: unknown;
  limit?: unknown;
}

/** Libraries (koa-body, co-body, formidable, Koa's ctx.throw) speak in HTTP statuses; map them onto the catalogue. */
export function toGatewayError(thrown: unknown, requestId: string): GatewayError {
  if (isGatewayError(thrown)) return thrown;
  const error = (thrown ?? {}) as HttpishError;
  const status = [error.status, error.statusCode, error.httpCode].find((s) => typeof s === 'number') as
    | number
    | undefined;
  const message = typeof error.message === 'string' ? error.message : 'invalid request';
  if (status === 413 || error.type === 'entity.too.large') {
    return fail.tooLarge(typeof error.limit === 'number' ? formatBytes(error.limit) : 'see gateway.yaml limits');
  }
  if (error.type === 'entity.parse.failed' || (status === 400 && /JSON|Unexpected|token/i.test(message))) {
    return fail.invalidJson(message);
  }
  if (status === 404) return fail.notFound(message);
  if (status === 401) return fail.unauthorized();
  if (status === 403) return fail.forbidden(message);
  if (status !== undefined && status >= 400 && status < 500) return fail.badRequest(message);
  return fail.internal(requestId, thrown);
}
