// A path that exists, asked with a method it does not take: 405 with an Allow header (any method, including
// ones no route uses, such as TRACE or PROPFIND), and OPTIONS answered with the methods it takes. Both in the
// envelope, like every other answer. Paths no route knows fall through to the 404 of the error middleware.
import type { Middleware } from 'koa';
import { fail } from '../errors.js';
import { ok } from './envelope.js';

/** The methods one source of routes (a router) takes on a path; empty when it has none there. */
export type MethodsAt = (path: string) => readonly string[];

export function answerOtherMethods(sources: readonly MethodsAt[]): Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.status !== 404 || ctx.body != null) return;
    const allow = allowedAt(sources, ctx.path);
    if (!allow.length) return;
    if (ctx.method === 'OPTIONS') {
      ok(ctx, { allow }, 'route.options', { path: ctx.path, allow: allow.join(', ') });
      ctx.set('Allow', allow.join(', '));
      return;
    }
    throw fail.methodNotAllowed(ctx.method, ctx.path, allow);
  };
}

const ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

function allowedAt(sources: readonly MethodsAt[], path: string): string[] {
  const methods = new Set<string>();
  for (const source of sources) for (const method of source(path)) methods.add(method.toUpperCase());
  if (!methods.size) return [];
  methods.add('OPTIONS');
  return [...methods].sort((a, b) => rank(a) - rank(b));
}

function rank(method: string): number {
  const at = ORDER.indexOf(method);
  return at === -1 ? ORDER.length : at;
}
