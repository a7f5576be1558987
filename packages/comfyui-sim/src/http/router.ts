// Routes as aiohttp's dispatcher matches them: every route also under /api, GET also answers HEAD,
// a known path with another method is 405, anything else 404.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './body.js';

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  raw: IncomingMessage;
  /** The whole body; rejects with BodyTooLarge past the limit (default: the upload limit). */
  body(limit?: number): Promise<Buffer>;
}

export type Handler = (req: SimRequest, res: ServerResponse) => Promise<void> | void;

interface Route {
  method: string;
  regex: RegExp;
  keys: string[];
  handler: Handler;
}

export type Match = { handler: Handler; params: Record<string, string> } | { status: 404 } | { status: 405; allow: string[] };

export interface Router {
  /** Registers pattern and, unless alias is false (static routes), /api + pattern. */
  add(method: string, pattern: string, handler: Handler, alias?: boolean): void;
  match(method: string, path: string): Match;
}

function compile(pattern: string): { regex: RegExp; keys: string[] } {
  const keys: string[] = [];
  const source = pattern.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, k: string) => {
    keys.push(k);
    return '([^{}/]+)';
  });
  return { regex: new RegExp(`^${source}$`), keys };
}

export function createRouter(): Router {
  const routes: Route[] = [];
  return {
    add(method, pattern, handler, alias = true) {
      for (const p of alias ? [pattern, `/api${pattern}`] : [pattern]) routes.push({ method, handler, ...compile(p) });
    },
    match(method, path) {
      const allow: string[] = [];
      for (const r of routes) {
        const m = r.regex.exec(path);
        if (!m) continue;
        if (r.method === method || (method === 'HEAD' && r.method === 'GET')) {
          const params: Record<string, string> = {};
          r.keys.forEach((k, i) => (params[k] = m[i + 1] ?? ''));
          return { handler: r.handler, params };
        }
        allow.push(r.method);
        if (r.method === 'GET') allow.push('HEAD');
      }
      return allow.length > 0 ? { status: 405, allow } : { status: 404 };
    },
  };
}

export function toSimRequest(raw: IncomingMessage, params: Record<string, string>, url: URL, path: string, limit: number): SimRequest {
  let cached: Promise<Buffer> | undefined;
  return {
    method: raw.method ?? 'GET',
    path,
    query: url.searchParams,
    params,
    raw,
    body: (lim = limit) => (cached ??= readBody(raw, lim)),
  };
}
