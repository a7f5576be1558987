// createApp(deps): the middleware order and the mounting of routers. No I/O here and none at import: the
// composition root (src/server.ts) builds the dependencies and hands them in.
import Koa, { type Middleware } from 'koa';
import Router from '@koa/router';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import { errorMiddleware } from './http/error-middleware.js';
import { requestContext } from './http/request-context.js';
import { factsOf, mountRoutes, type AnyRoute, type RouteSpec } from './http/define-route.js';
import type { MountedFacts } from './http/route-facts.js';
import { createValidators, type Validators } from './http/validation.js';
import { answerOtherMethods, type MethodsAt } from './http/other-methods.js';

/** One group of routes (workflows, queue, images, scenarios, …). */
export interface RouteGroup {
  name: string;
  routes: readonly AnyRoute[];
  /** Multipart limits for routes of this group that take uploads. */
  multipart?: { maxFileSizeBytes: number; uploadDir: string };
}

/** The guards, built from the config: installed on each route from its facts, and one for requests no route took. */
export interface RouteGuards {
  forRoute(facts: MountedFacts): Middleware[];
  /** Runs when no route matched; `factsAt` gives the facts of the routes on that path under other methods. */
  unmatched(factsAt: (path: string) => MountedFacts[]): Middleware;
}

export interface AppDeps {
  config: Config;
  log: Logger;
  groups: readonly RouteGroup[];
  /** API key, rate limit, signature: absent, every route is open. */
  guards?: RouteGuards;
  validators?: Validators;
  /** Runs outermost, around the error middleware, so it sees every request's final status (metrics). */
  observe?: Middleware;
}

export interface GatewayApp {
  app: Koa;
  /** Every route's spec, for the OpenAPI document. */
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

  const specs: RouteSpec[] = [];
  const methodSources: MethodsAt[] = [];
  const factsByName = new Map<string, MountedFacts>();
  const routers: Router[] = [];
  app.use(answerOtherMethods(methodSources));
  for (const group of deps.groups) {
    if (!group.routes.length) continue;
    const router = new Router();
    mountRoutes(router, group.routes, {
      validators,
      jsonLimitBytes: deps.config.limits.json_body_bytes,
      imageBodyLimitBytes: deps.config.limits.image_body_bytes,
      group: group.name,
      ...(group.multipart ? { multipart: group.multipart } : {}),
      ...(deps.guards ? { guardsFor: (facts: MountedFacts) => deps.guards!.forRoute(facts) } : {}),
    });
    app.use(router.routes());
    routers.push(router);
    methodSources.push((path) => router.match(path, 'GET').path.flatMap((layer) => layer.methods));
    for (const route of group.routes) factsByName.set(route.operationId, { ...factsOf(route), group: group.name });
    specs.push(...group.routes);
  }
  // Innermost: reached only when no route took the request (unknown path, or a method the path does not take).
  if (deps.guards) {
    app.use(
      deps.guards.unmatched((path) =>
        routers.flatMap((router) =>
          router.match(path, 'GET').path.flatMap((layer) => factsByName.get(layer.name ?? '') ?? []),
        ),
      ),
    );
  }
  return { app, specs };
}
