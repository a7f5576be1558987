// createApp(deps): the middleware order and the mounting of routers. No I/O here and none at import: the
// composition root (src/server.ts) builds the dependencies and hands them in.
import Koa, { type Middleware } from 'koa';
import Router from '@koa/router';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import { errorMiddleware } from './http/error-middleware.js';
import { requestContext } from './http/request-context.js';
import { mountRoutes, type RouteDef, type RouteSpec } from './http/define-route.js';
import { createValidators, type Validators } from './http/validation.js';
import { answerOtherMethods, type MethodsAt } from './http/other-methods.js';

/** One group of routes (workflows, queue, images, …), or a dynamic dispatcher (scenarios). */
export interface RouteGroup {
  name: string;
  routes?: readonly RouteDef<never, never, never>[];
  /** Mounted after the static routes; for routes that change at run time (the scenario registry). */
  middleware?: Middleware;
  /** The methods `middleware` answers on a path (405 and OPTIONS name them with the static routes' methods). */
  methodsAt?: MethodsAt;
  /** Multipart limits for routes of this group that take uploads. */
  multipart?: { maxFileSizeBytes: number; uploadDir: string };
}

export interface AppDeps {
  config: Config;
  log: Logger;
  groups: readonly RouteGroup[];
  /** Runs before routing, after the request id (auth, rate limits). */
  guards?: readonly Middleware[];
  validators?: Validators;
  /** Runs outermost, around the error middleware, so it sees every request's final status (metrics). */
  observe?: Middleware;
}

export interface GatewayApp {
  app: Koa;
  /** Every static route's spec, for the OpenAPI document. */
  specs: readonly RouteSpec[];
}

export function createApp(deps: AppDeps): GatewayApp {
  const app = new Koa({ proxy: false });
  // The error middleware logs what matters; Koa's own default handler would print stacks to stderr.
  app.silent = true;
  const validators = deps.validators ?? createValidators();

  if (deps.observe) app.use(deps.observe);
  app.use(errorMiddleware(deps.log));
  app.use(requestContext(deps.log, deps.config.locale, { access: deps.config.log.access }));
  for (const guard of deps.guards ?? []) app.use(guard);

  const specs: RouteSpec[] = [];
  const methodSources: MethodsAt[] = [];
  app.use(answerOtherMethods(methodSources));
  for (const group of deps.groups) {
    if (group.routes?.length) {
      const router = new Router();
      mountRoutes(router, group.routes, {
        validators,
        jsonLimitBytes: deps.config.limits.json_body_bytes,
        ...(group.multipart ? { multipart: group.multipart } : {}),
      });
      app.use(router.routes());
      methodSources.push((path) => router.match(path, 'GET').path.flatMap((layer) => layer.methods));
      specs.push(...(group.routes as readonly RouteSpec[]));
    }
    if (group.middleware) app.use(group.middleware);
    if (group.methodsAt) methodSources.push(group.methodsAt);
  }
  return { app, specs };
}
