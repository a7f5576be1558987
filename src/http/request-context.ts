// First stage after the error middleware: give every request an id, a logger and the locale, and log its outcome.
import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Locale } from '../i18n.js';
import type { Logger } from '../log.js';
import type { GatewayState } from './envelope.js';

const acceptableId = /^[\w.:-]{1,128}$/;

export function requestContext(log: Logger, locale: Locale): Middleware {
  return async (ctx, next) => {
    const incoming = ctx.get('x-request-id');
    const requestId = acceptableId.test(incoming) ? incoming : randomUUID();
    const state = ctx.state as GatewayState;
    state.requestId = requestId;
    state.locale = locale;
    state.log = log.child({ reqId: requestId });
    ctx.set('X-Request-Id', requestId);
    const started = performance.now();
    try {
      await next();
    } finally {
      state.log.debug(
        { method: ctx.method, url: ctx.url, status: ctx.status, ms: +(performance.now() - started).toFixed(2) },
        'request',
      );
    }
  };
}
