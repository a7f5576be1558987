// The one answer shape: {code, message, data}. Successes go through ok(); errors only through the error middleware.
import type { Context } from 'koa';
import type { Locale, MessageKey } from '../i18n.js';
import { translate } from '../i18n.js';
import type { Logger } from '../log.js';
import type { Caller } from '../security/caller.js';

export interface Envelope<T = unknown> {
  code: number;
  message: string;
  data: T;
  details?: Record<string, unknown>;
}

export interface GatewayState {
  requestId: string;
  locale: Locale;
  log: Logger;
  /** The caller's identity once auth has run. */
  apiKey?: string;
  /** Whose jobs this request may see and touch; undefined with auth off (single-tenant: all of them). */
  caller?: Caller;
}

/** The request's state as the request-context and auth stages filled it: the one typed view routes read. */
export function stateOf(ctx: Context): GatewayState {
  return ctx.state as GatewayState;
}

export function ok<T>(ctx: Context, data: T, key: MessageKey = 'success', params?: Record<string, string | number>): void {
  const state = stateOf(ctx);
  ctx.status = 200;
  ctx.body = { code: 200, message: translate(state.locale, key, params), data } satisfies Envelope<T>;
}

/** A success whose message is given literally (a scenario manifest's own `message`). */
export function okWithMessage<T>(ctx: Context, data: T, message: string): void {
  ctx.status = 200;
  ctx.body = { code: 200, message, data } satisfies Envelope<T>;
}
