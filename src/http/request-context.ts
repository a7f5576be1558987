// First stage after the error middleware: give every request an id, a logger and the locale, and log its outcome:
// one access line per request at info (operators expect it without turning on debug), unless log.access is false.
import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Locale } from '../i18n.js';
import type { Logger } from '../log.js';
import { routeTemplate } from '../metrics/http-metrics.js';
import { stateOf } from './envelope.js';
import { toGatewayError } from './error-middleware.js';

const acceptableId = /^[\w.:-]{1,128}$/;

export function requestContext(log: Logger, locale: Locale, options: { access?: boolean } = {}): Middleware {
  const access = options.access ?? true;
  return async (ctx, next) => {
    const incoming = ctx.get('x-request-id');
    const requestId = acceptableId.test(incoming) ? incoming : randomUUID();
    const state = stateOf(ctx);
    state.requestId = requestId;
    state.locale = locale;
    state.log = log.child({ reqId: requestId });
    ctx.set('X-Request-Id', requestId);
    const started = performance.now();
    let thrownStatus: number | undefined;
    try {
      await next();
    } catch (error) {
      // The error middleware, outside this one, writes the answer later: log the status it is going to send.
      thrownStatus = toGatewayError(error, requestId).status;
      throw error;
    } finally {
      // The path, not the URL: a query string may carry a key.
      if (access) {
        state.log.info(
          {
            method: ctx.method,
            route: routeTemplate(ctx),
            path: ctx.path,
            status: thrownStatus ?? ctx.status,
            ms: +(performance.now() - started).toFixed(2),
          },
          'request',
        );
      }
    }
  };
}
