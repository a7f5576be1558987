// A route is declared once: its path, schemas, facts and documentation feed the guards, the validator (compiled
// here, at mount time) and the OpenAPI document (src/openapi). Every route, static or scenario, runs the same
// stages: guards → body plan → body read → validate → handler. Handlers receive input that passed its schema.
import os from 'node:os';
import type { Context, Middleware } from 'koa';
import type Router from '@koa/router';
import type { ErrorCode } from '../errors.js';
import { fail } from '../errors.js';
import type { JsonSchema } from './json-schema.js';
import type { GatewayState } from './envelope.js';
import { translator } from '../i18n.js';
import { readForm, type Release } from './read-form.js';
import { readJsonBody } from './read-json-body.js';
import type { MountedFacts, RouteFacts } from './route-facts.js';

import { describeErrors, summarize, type ValidateFunction, type Validators, type Where } from './validation.js';

export type Method = 'get' | 'post' | 'put' | 'delete';

export interface RouteSpec extends RouteFacts {
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
  /** Schema of `data` in the success envelope. */
  response?: JsonSchema;
  /** A raw (non-envelope) success, e.g. an image stream: its media types. */
  rawResponse?: { contentTypes: string[]; description: string };
  /** Catalogue codes this route may answer besides 200 (for the docs). */
  errors?: ErrorCode[];
  /** Documented elsewhere (one operation per scenario of the registry), not as this spec. */
  undocumented?: boolean;
}

/** A multipart form read into the fields its validator checks; `release` removes the files it staged. */
export interface FormBody {
  fields: Record<string, unknown>;
  release: Release;
}

/**
 * What one request's body is, for a route that learns it per request (the scenario of the registry's current
 * snapshot): read once, before the body, and kept for the whole request.
 */
export interface BodyPlan<T = undefined, F extends FormBody = FormBody> {
  /** Handed to the handler as `input.target`. */
  target: T;
  /** Compiled when the target was loaded, never per request. */
  validate: ValidateFunction;
  /** This body's JSON limit; else the route's. */
  jsonLimitBytes?: number;
  /** Reads a multipart form instead of JSON, when the request sends one. */
  readForm?: (ctx: Context) => Promise<F>;
}

export interface RouteInput<B, Q, P, T = undefined, F extends FormBody = FormBody> {
  body: B;
  query: Q;
  params: P;
  /** What the body plan resolved for this request; undefined for routes with a fixed body. */
  target: T;
  /** The form, when the body came as one from a per-request plan. */
  form: F | undefined;
}

export interface RouteDef<
  B = unknown,
  Q = Record<string, unknown>,
  P = Record<string, string>,
  T = undefined,
  F extends FormBody = FormBody,
> extends RouteSpec {
  /** A body known only per request; throws (404, 403 …) when there is none to be had. */
  planBody?: (ctx: Context, params: P) => BodyPlan<T, F> | Promise<BodyPlan<T, F>>;
  handler: (ctx: Context, input: RouteInput<B, Q, P, T, F>) => Promise<void> | void;
}

/** Identity with types: lets a route file declare its body/query/param types beside its schemas. */
export function defineRoute<
  B = unknown,
  Q = Record<string, unknown>,
  P = Record<string, string>,
  T = undefined,
  F extends FormBody = FormBody,
>(def: RouteDef<B, Q, P, T, F>): RouteDef<B, Q, P, T, F> {
  return def;
}

/** Any declared route, its types erased: what a group lists and mountRoutes takes. */
export interface AnyRoute extends RouteSpec {
  planBody?: (ctx: Context, params: never) => BodyPlan<unknown> | Promise<BodyPlan<unknown>>;
  handler: (ctx: Context, input: never) => Promise<void> | void;
}

export interface MountOptions {
  validators: Validators;
  /** limits.json_body_bytes. */
  jsonLimitBytes: number;
  /** limits.image_body_bytes, for routes that declare `imageBody`. */
  imageBodyLimitBytes: number;
  /** Multipart parsing (uploads): formidable options from the route group. */
  multipart?: { maxFileSizeBytes: number; uploadDir: string };
  /** The group's name: signature groups are named by it. */
  group: string;
  /** The guards a route's facts call for, installed in front of its other stages. */
  guardsFor?: (facts: MountedFacts) => Middleware[];
}

/** Registers each route on the router with its stages: guards → body → validate → handler. */
export function mountRoutes(router: Router, defs: readonly AnyRoute[], options: MountOptions): void {
  for (const def of defs as readonly RouteDef<unknown, Record<string, unknown>, Record<string, string>, unknown>[]) {
    const koaPath = def.path.replace(/\{(\w+)\}/g, ':$1');
    const guards = options.guardsFor?.({ ...factsOf(def), group: options.group }) ?? [];
    router[def.method](def.operationId, koaPath, ...guards, routeStage(def, options));
  }
}

export function factsOf(spec: RouteFacts): RouteFacts {
  const { access, rawWorkflow, imageBody, scenarioParam } = spec;
  return { access: access ?? 'key', rawWorkflow, imageBody, scenarioParam };
}

/** The body limit a route's JSON may reach: the one the body parser and the signature pre-read both use. */
export function jsonLimitOf(facts: RouteFacts, limits: { jsonBodyBytes: number; imageBodyBytes: number }): number {
  return facts.imageBody ? limits.imageBodyBytes : limits.jsonBodyBytes;
}

type AnyInput = RouteInput<unknown, Record<string, unknown>, Record<string, string>, unknown>;

/** The route's own stages, in order: plan the body → read it → validate params, query and body → handle. */
function routeStage(def: RouteDef<unknown, Record<string, unknown>, Record<string, string>, unknown>, options: MountOptions): Middleware {
  const fixed = fixedPlan(def, options);
  const checks: [Where, ValidateFunction][] = [];
  if (def.params) checks.push(['params', options.validators.strings.compile(def.params)]);
  if (def.query) checks.push(['query', options.validators.strings.compile(def.query)]);
  const routeLimit = jsonLimitOf(def, { jsonBodyBytes: options.jsonLimitBytes, imageBodyBytes: options.imageBodyLimitBytes });

  return async (ctx) => {
    const params = { ...(ctx as unknown as { params: Record<string, string> }).params };
    const plan = def.planBody ? await def.planBody(ctx, params) : fixed;
    const { body, form } = await readBody(ctx, plan, plan === fixed, routeLimit);
    try {
      const input: AnyInput = { params, query: { ...ctx.query }, body, target: plan?.target, form: def.planBody ? form : undefined };
      validate(ctx, input, plan ? [...checks, ['body', plan.validate]] : checks);
      await def.handler(ctx, input);
    } finally {
      // Whatever the handler did not move away (or everything, when the request was refused) goes now.
      await form?.release();
    }
  };
}

/** A form when the plan reads one (always for a multipart route, when the request sends one for the others), else JSON. */
async function readBody(
  ctx: Context,
  plan: BodyPlan<unknown> | undefined,
  formOnly: boolean,
  routeLimit: number,
): Promise<{ body: unknown; form?: FormBody }> {
  if (!plan) return { body: ctx.request.body ?? {} };
  if (plan.readForm && (formOnly || isForm(ctx))) {
    const form = await plan.readForm(ctx);
    return { body: form.fields, form };
  }
  const body = isJsonRequest(ctx) ? await readJsonBody(ctx, plan.jsonLimitBytes ?? routeLimit) : {};
  ctx.request.body = body as typeof ctx.request.body;
  return { body };
}

function validate(ctx: Context, input: AnyInput, checks: readonly [Where, ValidateFunction][]): void {
  for (const [where, check] of checks) {
    if (check(input[where])) continue;
    const t = translator((ctx.state as GatewayState).locale);
    const problems = describeErrors(where, check.errors, t);
    throw fail.badRequest(summarize(problems, t), { errors: problems });
  }
}

/** The body plan of a route whose body schema is known when it is mounted: compiled here, once. */
function fixedPlan(def: RouteSpec, options: MountOptions): BodyPlan<unknown> | undefined {
  if (!def.body) return undefined;
  if (def.bodyType !== 'multipart') return { target: undefined, validate: options.validators.body.compile(def.body) };
  const limits = options.multipart;
  return {
    target: undefined,
    // Form fields arrive as text: the coercing validator.
    validate: options.validators.strings.compile(def.body),
    async readForm(ctx) {
      const release = await readForm(ctx, {
        maxFileBytes: limits?.maxFileSizeBytes ?? 20 * 1024 * 1024,
        maxFiles: 1,
        uploadDir: limits?.uploadDir ?? os.tmpdir(),
      });
      return { fields: multipartFields(ctx), release };
    },
  };
}

function isForm(ctx: Context): boolean {
  return ctx.is('multipart/form-data') === 'multipart/form-data';
}

/**
 * A JSON route reads its body as JSON when it says so, and also when it says nothing or form-urlencoded: that is
 * what `curl -d '{...}'` sends without -H. Any other declared type leaves the body unread (and empty).
 */
function isJsonRequest(ctx: Context): boolean {
  const type = ctx.get('content-type');
  if (!type || type.startsWith('application/x-www-form-urlencoded')) return ctx.request.length !== 0;
  return ctx.is('json', '+json') !== false;
}

/** Multipart: text fields become the body; files stay on ctx.request.files. */
function multipartFields(ctx: Context): Record<string, unknown> {
  const fields = (ctx.request.body ?? {}) as Record<string, unknown>;
  const files = ctx.request.files ?? {};
  const result: Record<string, unknown> = { ...fields };
  for (const name of Object.keys(files)) result[name] = '(file)';
  return result;
}
