// A route is declared once: its path, schemas and documentation feed both the validator (compiled here, at
// mount time) and the OpenAPI document (src/openapi). Handlers receive input that has already passed its schema.
import os from 'node:os';
import type { Context, Middleware } from 'koa';
import type Router from '@koa/router';
import type { ErrorCode } from '../errors.js';
import { fail } from '../errors.js';
import type { JsonSchema } from './json-schema.js';
import type { GatewayState } from './envelope.js';
import { translator } from '../i18n.js';
import { readForm } from './read-form.js';
import { readJsonBody } from './read-json-body.js';

import { describeErrors, summarize, type ValidateFunction, type Validators, type Where } from './validation.js';

export type Method = 'get' | 'post' | 'put' | 'delete';

export interface RouteSpec {
  method: Method;
  /** OpenAPI style: `/api/v1/workflows/{prompt_id}/history`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  params?: JsonSchema;
  query?: JsonSchema;
  body?: JsonSchema;
  /** How the body arrives; `json` unless said otherwise. */
  bodyType?: 'json' | 'multipart';
  /** A JSON body limit of its own (limits.image_body_bytes for routes that take base64 images); else the group's. */
  jsonLimitBytes?: number;
  /** Schema of `data` in the success envelope. */
  response?: JsonSchema;
  /** A raw (non-envelope) success, e.g. an image stream: its media types. */
  rawResponse?: { contentTypes: string[]; description: string };
  /** Catalogue codes this route may answer besides 200 (for the docs). */
  errors?: ErrorCode[];
  /** Routes outside /api/v1 that need no key (the security guards read this). */
  public?: boolean;
}

export interface RouteInput<B, Q, P> {
  body: B;
  query: Q;
  params: P;
}

export interface RouteDef<B = unknown, Q = Record<string, unknown>, P = Record<string, string>> extends RouteSpec {
  handler: (ctx: Context, input: RouteInput<B, Q, P>) => Promise<void> | void;
}

/** Identity with types: lets a route file declare its body/query/param types beside its schemas. */
export function defineRoute<B = unknown, Q = Record<string, unknown>, P = Record<string, string>>(
  def: RouteDef<B, Q, P>,
): RouteDef<B, Q, P> {
  return def;
}

export interface MountOptions {
  validators: Validators;
  jsonLimitBytes: number;
  /** Multipart parsing (uploads): formidable options from the route group. */
  multipart?: { maxFileSizeBytes: number; uploadDir: string };
}

/** Registers each route on the router with its stages: body parse → validate → handler. */
export function mountRoutes(router: Router, defs: readonly RouteDef<never, never, never>[], options: MountOptions): void {
  for (const def of defs as readonly RouteDef[]) {
    const koaPath = def.path.replace(/\{(\w+)\}/g, ':$1');
    const stages: Middleware[] = [];
    if (def.body) stages.push(bodyParser(def, options));
    stages.push(validationStage(def, options.validators));
    router[def.method](def.operationId, koaPath, ...stages);
  }
}

function bodyParser(def: RouteSpec, options: MountOptions): Middleware {
  if (def.bodyType === 'multipart') {
    const limits = options.multipart;
    const maxFileBytes = limits?.maxFileSizeBytes ?? 20 * 1024 * 1024;
    return async (ctx, next) => {
      const release = await readForm(ctx, {
        maxFileBytes,
        maxFiles: 1,
        uploadDir: limits?.uploadDir ?? os.tmpdir(),
      });
      try {
        await next();
      } finally {
        // Whatever the handler did not move away (or everything, when the request was refused) goes now.
        await release();
      }
    };
  }
  const jsonLimit = def.jsonLimitBytes ?? options.jsonLimitBytes;
  return async (ctx, next) => {
    if (isJsonRequest(ctx)) ctx.request.body = (await readJsonBody(ctx, jsonLimit)) as typeof ctx.request.body;
    else ctx.request.body = {};
    await next();
  };
}

/**
 * A JSON route reads its body as JSON when it says so, and also when it says nothing or form-urlencoded: that is
 * what `curl -d '{...}'` sends without -H. Any other declared type leaves the body unread (and empty).
 */
export function isJsonRequest(ctx: Context): boolean {
  const type = ctx.get('content-type');
  if (!type || type.startsWith('application/x-www-form-urlencoded')) return ctx.request.length !== 0;
  return ctx.is('json', '+json') !== false;
}

function validationStage(def: RouteDef, validators: Validators): Middleware {
  const compiled: [Where, ValidateFunction][] = [];
  if (def.params) compiled.push(['params', validators.strings.compile(def.params)]);
  if (def.query) compiled.push(['query', validators.strings.compile(def.query)]);
  if (def.body) {
    const ajv = def.bodyType === 'multipart' ? validators.strings : validators.body;
    compiled.push(['body', ajv.compile(def.body)]);
  }
  return async (ctx) => {
    const input: RouteInput<unknown, Record<string, unknown>, Record<string, string>> = {
      params: { ...(ctx as unknown as { params: Record<string, string> }).params },
      query: { ...ctx.query },
      body: def.bodyType === 'multipart' ? multipartFields(ctx) : (ctx.request.body ?? {}),
    };
    for (const [where, validate] of compiled) {
      if (!validate(input[where])) {
        const t = translator((ctx.state as GatewayState).locale);
        const problems = describeErrors(where, validate.errors, t);
        throw fail.badRequest(summarize(problems, t), { errors: problems });
      }
    }
    await def.handler(ctx, input);
  };
}

/** Multipart: text fields become the body; files stay on ctx.request.files. */
function multipartFields(ctx: Context): Record<string, unknown> {
  const fields = (ctx.request.body ?? {}) as Record<string, unknown>;
  const files = ctx.request.files ?? {};
  const result: Record<string, unknown> = { ...fields };
  for (const name of Object.keys(files)) result[name] = '(file)';
  return result;
}
