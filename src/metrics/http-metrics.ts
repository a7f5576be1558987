// The outermost middleware: counts every request under its route *template* and times it. A raw path would give
// one time series per prompt id or file name (unbounded cardinality), so anything no route claimed is `unmatched`.
import type { Context, Middleware } from 'koa';
import type { GatewayMetrics } from './metrics.js';

export function httpMetrics(metrics: Pick<GatewayMetrics, 'httpRequest'>): Middleware {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      // Runs outside the error middleware, so ctx.status is the status the caller gets.
      metrics.httpRequest(routeTemplate(ctx), ctx.method, ctx.status, (performance.now() - started) / 1000);
    }
  };
}

export function routeTemplate(ctx: Context): string {
  // @koa/router records the matched layer's path (`/api/v1/jobs/:prompt_id`); the OpenAPI spelling is used here.
  const matched = (ctx as Context & { _matchedRoute?: string | RegExp })._matchedRoute;
  if (typeof matched === 'string') return matched.replace(/:(\w+)/g, '{$1}');
  return 'unmatched';
}
