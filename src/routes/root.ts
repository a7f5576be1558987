// GET /: what this service is and where its documentation lives.
import type { RouteGroup } from '../app.js';
import { defineRoute } from '../http/define-route.js';
import { ok } from '../http/envelope.js';
import type { PackageInfo } from '../version.js';

export function rootRoutes(deps: { pkg: PackageInfo }): RouteGroup {
  const root = defineRoute({
    method: 'get',
    path: '/',
    operationId: 'root',
    summary: 'Service information',
    tags: ['service'],
    access: 'health',
    response: {
      type: 'object',
      properties: {
        service: { type: 'string' },
        version: { type: 'string' },
        docs: { type: 'object', properties: { swagger: { type: 'string' }, redoc: { type: 'string' }, openapi: { type: 'string' } } },
      },
    },
    handler(ctx) {
      ok(ctx, {
        service: deps.pkg.name,
        version: deps.pkg.version,
        docs: { swagger: '/docs', redoc: '/redoc', openapi: '/api/v1/openapi.json' },
      }, 'service.info');
    },
  });
  return { name: 'root', routes: [root] };
}
