// The security guards, built once from the config: API key → rate limit → signature, each a named stage that
// createApp runs after the request id and before routing. The same checks serve WebSocket upgrades
// (authenticateUpgrade), which never reach Koa.
import type { IncomingMessage } from 'node:http';
import type { Middleware } from 'koa';
import { ConfigError, type Config } from '../config.js';
import type { GatewayState } from '../http/envelope.js';
import type { RouteSpec } from '../http/define-route.js';
import { fail, isGatewayError } from '../errors.js';
import { createAccessPolicy } from './access-policy.js';
import { createKeyRing, presentedKey, readKeyFile, type ApiKey } from './api-keys.js';
import { createFailedAuthLimiter } from './failed-auth.js';
import { createNonceCache } from './nonce-cache.js';
import { createRateLimiter } from './rate-limit.js';
import { bufferBody, hasBody } from './raw-body.js';
import { createSignatureVerifier, loadPublicKeys, type SignatureVerifier } from './signature.js';

/**
 * `mayRunWorkflows`: false for a key limited to some scenarios (it may watch progress, not submit graphs).
 * `submitNeedsSignature`: signature groups cover submission and the upgrade was not signed, so the socket may watch
 * progress but not submit.
 */
export type UpgradeVerdict =
  | { ok: true; key?: string; admin?: boolean; mayRunWorkflows: boolean; submitNeedsSignature: boolean }
  | { ok: false; status: 401 | 403 | 429; message: string };

export interface Security {
  guards: Middleware[];
  /** False with no API key configured: one tenant, every request sees every job. */
  multiTenant: boolean;
  authenticateUpgrade(req: IncomingMessage): UpgradeVerdict;
}

export interface SecurityOptions {
  config: Config;
  /** The static routes, for their `public` flags. */
  routes: readonly Pick<RouteSpec, 'path' | 'public'>[];
  now?: () => number;
}

/** Multipart framing around the file: boundaries and part headers, never near this size. */
const multipartOverheadBytes = 64 * 1024;
/** POST /api/v1/scenarios/{name} and anything below it: runs of that scenario. */
const scenarioRun = /^\/api\/v1\/scenarios\/([^/]+)(?:\/|$)/i;
/**
 * Routes that would let a key limited to some scenarios get around its list (any graph) or act on everyone's
 * jobs (clearing the shared queue).
 */
/** Bodies that may carry base64 images get limits.image_body_bytes from their routes: the same limit here. */
const imageBodyRoutes = /^\/api\/v1\/(scenarios\/[^/]+|workflows\/submit)\/?$/i;
const rawWorkflowRoutes = /^\/api\/v1\/(workflows\/submit|queue\/clear)\/?$/i;

export function createSecurity(options: SecurityOptions): Security {
  const { config } = options;
  const auth = config.auth;
  const keys = createKeyRing([...auth.api_keys, ...(auth.api_keys_file ? readKeyFile(auth.api_keys_file) : [])]);
  const policy = createAccessPolicy({
    routes: options.routes,
    protectDocs: auth.protect_docs,
    protectHealth: auth.protect_health,
  });
  const limiter =
    config.limits.requests_per_second > 0
      ? createRateLimiter({
          ratePerSecond: config.limits.requests_per_second,
          burst: config.limits.burst || Math.ceil(config.limits.requests_per_second),
          ...(options.now ? { now: options.now } : {}),
        })
      : undefined;
  const signature = createSignatureStage(config, options.now);
  const failedAuth =
    config.limits.failed_auth_attempts > 0
      ? createFailedAuthLimiter({
          attempts: config.limits.failed_auth_attempts,
          windowMs: config.limits.failed_auth_window_s * 1000,
          ...(options.now ? { now: options.now } : {}),
        })
      : undefined;

  function authenticate(headers: IncomingMessage['headers'], address: string | undefined, queryKey?: string): ApiKey | undefined {
    if (keys.size === 0) return undefined;
    const presented = presentedKey(headers) ?? queryKey;
    if (presented === undefined) throw fail.unauthorized();
    const from = address ?? '-';
    const wait = failedAuth?.blocked(from);
    if (wait !== undefined) throw fail.rateLimited(wait);
    const key = keys.find(presented);
    if (!key) {
      failedAuth?.failed(from);
      throw fail.unauthorized();
    }
    return key;
  }

  /** Per key when keys are configured, per client address otherwise. */
  function limit(keyName: string | undefined, ip: string | undefined): void {
    if (!limiter) return;
    const taken = limiter.take(keyName !== undefined ? `key:${keyName}` : `ip:${ip ?? '-'}`);
    if (!taken.ok) throw fail.rateLimited(taken.retryAfterSeconds);
  }

  const apiKeyGuard: Middleware = async (ctx, next) => {
    if (policy.isPublic(ctx.path)) return next();
    const key = authenticate(ctx.headers, ctx.ip);
    if (key) {
      const state = ctx.state as GatewayState;
      state.apiKey = key.name;
      state.caller = { id: key.name, admin: key.admin };
      state.log = state.log.child({ apiKey: key.name });
      const run = ctx.method === 'POST' ? scenarioRun.exec(ctx.path) : null;
      if (run && key.scenarios && !key.scenarios.has(safeDecode(run[1] ?? ''))) {
        throw fail.scenarioForbidden(safeDecode(run[1] ?? ''));
      }
      if (key.scenarios && ctx.method === 'POST' && rawWorkflowRoutes.test(ctx.path)) {
        throw fail.rawWorkflowForbidden();
      }
    }
    return next();
  };

  const rateLimitGuard: Middleware = async (ctx, next) => {
    if (!policy.isPublic(ctx.path)) limit((ctx.state as GatewayState).apiKey, ctx.ip);
    return next();
  };

  const signatureGuard: Middleware = async (ctx, next) => {
    if (signature && !policy.isPublic(ctx.path) && signature.applies(ctx.path)) {
      // Headers first: an unsigned or stale request is refused without reading its body, and the connection is
      // closed rather than drained, so a large declared body costs nothing.
      try {
        signature.verifier.precheck(ctx.headers);
      } catch (error) {
        throw isGatewayError(error) && hasBody(ctx.req) ? error.with({ headers: { Connection: 'close' } }) : error;
      }
      const multipart = ctx.is('multipart/form-data') === 'multipart/form-data';
      const limitBytes = multipart
        ? config.limits.upload_bytes + multipartOverheadBytes
        : imageBodyRoutes.test(ctx.path)
          ? config.limits.image_body_bytes
          : config.limits.json_body_bytes;
      const body = await bufferBody(ctx, limitBytes);
      signature.verifier.verify({
        method: ctx.method,
        path: ctx.path,
        rawQuery: ctx.querystring,
        body,
        headers: ctx.headers,
      });
    }
    return next();
  };

  return {
    guards: [apiKeyGuard, rateLimitGuard, signatureGuard],
    multiTenant: keys.size > 0,
    authenticateUpgrade(req) {
      try {
        const url = new URL(req.url ?? '/', 'http://upgrade.invalid');
        const key = authenticate(req.headers, req.socket.remoteAddress, url.searchParams.get('api_key') ?? undefined);
        limit(key?.name, req.socket.remoteAddress);
        // A signed upgrade is checked like any signed request; an unsigned one is refused when every route needs a
        // signature, and otherwise opens without the right to submit when the signed groups cover submission.
        const signed = req.headers['x-signature'] !== undefined;
        if (signature && (signature.global || signed)) {
          const at = (req.url ?? '/').indexOf('?');
          signature.verifier.verify({
            method: req.method ?? 'GET',
            path: url.pathname,
            rawQuery: at === -1 ? '' : (req.url ?? '').slice(at + 1),
            body: new Uint8Array(0),
            headers: req.headers,
          });
        }
        const submitNeedsSignature = signature !== undefined && signature.coversSubmission && !signature.global && !signed;
        return key
          ? { ok: true, key: key.name, admin: key.admin, mayRunWorkflows: !key.scenarios, submitNeedsSignature }
          : { ok: true, mayRunWorkflows: true, submitNeedsSignature };
      } catch (error) {
        if (isGatewayError(error) && (error.status === 401 || error.status === 403 || error.status === 429)) {
          return { ok: false, status: error.status, message: error.messageIn(config.locale) };
        }
        throw error;
      }
    },
  };
}

interface SignatureStage {
  verifier: SignatureVerifier;
  global: boolean;
  /** The signed groups include a route that submits (workflows or scenarios): so does the WebSocket. */
  coversSubmission: boolean;
  applies(path: string): boolean;
}

function createSignatureStage(config: Config, now?: () => number): SignatureStage | undefined {
  const settings = config.auth.signature;
  if (!settings.enabled && settings.groups.length === 0) return undefined;
  const publicKeys = loadPublicKeys(settings.public_keys);
  if (publicKeys.length === 0) {
    throw new ConfigError('config: auth.signature is on but auth.signature.public_keys is empty');
  }
  const verifier = createSignatureVerifier({
    publicKeys,
    toleranceSeconds: settings.tolerance_seconds,
    // A nonce must outlive every timestamp that could still pass: up to `tolerance` in the past or the future.
    nonces: createNonceCache({
      ttlMs: 2 * settings.tolerance_seconds * 1000,
      capacity: settings.nonce_cache_size,
      ...(now ? { now } : {}),
    }),
    ...(now ? { now } : {}),
  });
  const prefixes = settings.groups.map((group) => `/api/v1/${group.toLowerCase()}`);
  return {
    verifier,
    global: settings.enabled,
    coversSubmission: settings.enabled || settings.groups.some((group) => group === 'workflows' || group === 'scenarios'),
    applies(path) {
      if (settings.enabled) return true;
      const lower = path.toLowerCase();
      return prefixes.some((prefix) => lower === prefix || lower.startsWith(`${prefix}/`));
    },
  };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
