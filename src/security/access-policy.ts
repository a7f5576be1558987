// Which paths need credentials. Deny by default: everything is protected except the documentation, the health
// and service-information routes, and routes outside /api/v1 that declare themselves `public`. A path that merely
// resembles a public one (other case, `..`, a trailing slash) is protected, which is the safe way to be wrong.
import type { RouteSpec } from '../http/define-route.js';

export interface AccessPolicy {
  isPublic(path: string): boolean;
}

export interface AccessPolicyOptions {
  routes: readonly Pick<RouteSpec, 'path' | 'public'>[];
  protectDocs: boolean;
  protectHealth: boolean;
}

const docsPages = new Set(['/docs', '/redoc', '/api/v1/openapi.json']);
/** Static assets of Swagger UI and ReDoc: plain file names only, no `.` or `..` segments. */
const docsAsset = /^\/(docs|redoc)\/(?:(?!\.\.?(?:\/|$))[\w.-]+(?:\/|$))*$/;
/** Service routes that auth.protect_health governs: the service information, health and Prometheus metrics. */
const healthPaths = new Set(['/', '/health', '/metrics']);

export function createAccessPolicy(options: AccessPolicyOptions): AccessPolicy {
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  if (!options.protectDocs) docsPages.forEach((page) => exact.add(page));
  if (!options.protectHealth) healthPaths.forEach((page) => exact.add(page));
  for (const route of options.routes) {
    if (!route.public || route.path.startsWith('/api/')) continue;
    const isHealth = healthPaths.has(route.path) || route.path.startsWith('/health/');
    const isDocs = docsPages.has(route.path) || /^\/(docs|redoc)\//.test(route.path);
    if ((isHealth && options.protectHealth) || (isDocs && options.protectDocs)) continue;
    if (!route.path.includes('{')) exact.add(route.path);
    else patterns.push(new RegExp(`^${route.path.split(/\{\w+\}/).map(escapeRegExp).join('[^/]+')}$`));
  }
  return {
    isPublic(path) {
      if (exact.has(path)) return true;
      if (!options.protectDocs && docsAsset.test(path)) return true;
      return patterns.some((pattern) => pattern.test(path));
    },
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
