// The security guards, built once from the config and installed on each route from the facts it declares (its
// access, whether it takes a raw workflow, which parameter names its scenario, its body limit): API key → rate
// limit → signature, each a named stage in front of the route's body parser. One more guard stands in front of
// whatever no route matched, so that an unknown path costs a caller without a key a 401, not a map of the API.
// The same checks serve WebSocket upgrades (authenticateUpgrade), which never reach Koa.
import type { IncomingMessage } from 'node:http';
import type { Context, Middleware } from 'koa';
import { ConfigError, type Config } from '../config.js';
import type { GatewayState } from '../http/envelope.js';
import { jsonLimitOf } from '../http/define-route.js';
import { isOpenAccess, type Access, type MountedFacts, type RouteFacts } from '../http/route-facts.js';
import { fail, isGatewayError, type GatewayError } from '../errors.js';
import { createKeyRing, presentedKey, readKeyFile, type ApiKey } from './api-keys.js';
import { createMemoryStore } from '../store/memory.js';
import { andThen, isPromise, type MaybePromise } from '../store/maybe.js';
import type { StateStore } from '../store/types.js';
import { bufferBody, hasBody } from './raw-body.js';
import { createSignatureVerifier, loadPublicKeys, type SignatureVerifier } from './signature.js';

/**
 * `mayRunWorkflows`: false for a key limited to some scenarios on a socket that takes raw workflows (it may watch
 * progress, not submit graphs). `submitNeedsSignature`: signature groups cover submission and the upgrade was not
 * signed, so the socket may watch progress but not submit. A refusal carries the catalogued error, with the headers
 * (Retry-After, WWW-Authenticate) the HTTP answer would have.
 */
export type UpgradeVerdict =
  | { ok: true; key?: string; admin?: boolean; mayRunWorkflows: boolean; submitNeedsSignature: boolean }
  | { ok: false; error: GatewayError };

export interface Security {
  /** The guards a route's facts call for (none for a route that is open). */
  forRoute(facts: MountedFacts): Middleware[];
  /** For requests no route matched: open only when every route on that path is open, else a key is needed. */
  unmatched(factsAt: (path: string) => MountedFacts[]): Middleware;
  /** False with no API key configured: one tenant, every request sees every job. */
  multiTenant: boolean;
  /**
   * The checks of a route with `facts` (the socket's own), for a WebSocket upgrade request: synchronous with the
   * memory store, later with a shared one (its rate limit and nonce checks ask Redis).
   */
  authenticateUpgrade(req: IncomingMessage, facts: RouteFacts): MaybePromise<UpgradeVerdict>;
}

export interface SecurityOptions {
  config: Config;
  /** Where rate buckets and signature nonces live; the memory store when absent. */
  store?: StateStore;
  now?: () => number;
}

/** Multipart framing around the file: boundaries and part headers, never near this size. */
const multipartOverheadBytes = 64 * 1024;

export function createSecurity(options: SecurityOptions): Security {
  const { config } = options;
  const auth = config.auth;
  const store = options.store ?? createMemoryStore();
  const keys = createKeyRing([...auth.api_keys, ...(auth.api_keys_file ? readKeyFile(auth.api_keys_file) : [])]);
  const limiter =
    config.limits.requests_per_second > 0
      ? store.rateLimiter({
          ratePerSecond: config.limits.requests_per_second,
          burst: config.limits.burst || Math.ceil(config.limits.requests_per_second),
          ...(options.now ? { now: options.now } : {}),
        })
      : undefined;
  const signature = createSignatureStage(config, store, options.now);
  const failedAuth =
    config.limits.failed_auth_attempts > 0
      ? store.failedAuth({
          attempts: config.limits.failed_auth_attempts,
          windowMs: config.limits.failed_auth_window_s * 1000,
          ...(options.now ? { now: options.now } : {}),
        })
      : undefined;

  const isOpen = (access: Access | undefined) => isOpenAccess(access, auth);

  /** The caller's key; a wrong one is counted per address, and an address over the limit is refused any key. */
  function authenticate(headers: IncomingMessage['headers'], address: string | undefined, queryKey?: string): MaybePromise<ApiKey | undefined> {
    if (keys.size === 0) return undefined;
    const presented = presentedKey(headers) ?? queryKey;
    if (presented === undefined) throw fail.unauthorized();
    const from = address ?? '-';
    const check = (): MaybePromise<ApiKey> => {
      const key = keys.find(presented);
      if (key) return key;
      // Counted before the answer: a guess sent next, to any process, already sees it.
      return andThen(failedAuth?.failed(from), () => {
        throw fail.unauthorized();
      });
    };
    if (!failedAuth) return check();
    return andThen(failedAuth.blocked(from), (wait) => {
      if (wait !== undefined) throw fail.rateLimited(wait);
      return check();
    });
  }

  /** What the key may do on a route with these facts; `scenario` is the scenario it names, if any. */
  function permit(key: ApiKey, facts: RouteFacts, scenario: string | undefined): void {
    if (facts.access === 'admin' && !key.admin) throw fail.adminOnly();
    if (key.scenarios && facts.scenarioParam !== undefined && !key.scenarios.has(scenario ?? '')) {
      throw fail.scenarioForbidden(scenario ?? '');
    }
    if (key.scenarios && facts.rawWorkflow) throw fail.rawWorkflowForbidden();
  }

  /** Per key when keys are configured, per client address otherwise. */
  function limit(keyName: string | undefined, ip: string | undefined): MaybePromise<void> {
    if (!limiter) return;
    return andThen(limiter.take(keyName !== undefined ? `key:${keyName}` : `ip:${ip ?? '-'}`), (taken) => {
      if (!taken.ok) throw fail.rateLimited(taken.retryAfterSeconds);
    });
  }

  const apiKeyGuard = (facts: RouteFacts): Middleware => async (ctx, next) => {
    const key = await authenticate(ctx.headers, ctx.ip);
    if (key) {
      const state = ctx.state as GatewayState;
      state.apiKey = key.name;
      state.caller = {
        id: key.name,
        admin: key.admin,
        ...(key.scenarios ? { scenarios: [...key.scenarios] } : {}),
        ...(key.priorityMax !== undefined ? { priorityMax: key.priorityMax } : {}),
      };
      state.log = state.log.child({ apiKey: key.name });
      const params = (ctx as Context & { params?: Record<string, string> }).params;
      permit(key, facts, facts.scenarioParam !== undefined ? params?.[facts.scenarioParam] : undefined);
    }
    return next();
  };

  const rateLimitGuard: Middleware = async (ctx, next) => {
    await limit((ctx.state as GatewayState).apiKey, ctx.ip);
    return next();
  };

  const signatureGuard = (verifier: SignatureVerifier, facts: RouteFacts): Middleware => {
    const jsonLimit = jsonLimitOf(facts, {
      jsonBodyBytes: config.limits.json_body_bytes,
      imageBodyBytes: config.limits.image_body_bytes,
    });
    return async (ctx, next) => {
      // Headers first: an unsigned or stale request is refused without reading its body, and the connection is
      // closed rather than drained, so a large declared body costs nothing.
      try {
        verifier.precheck(ctx.headers);
      } catch (error) {
        throw isGatewayError(error) && hasBody(ctx.req) ? error.with({ headers: { Connection: 'close' } }) : error;
      }
      const multipart = ctx.is('multipart/form-data') === 'multipart/form-data';
      const body = await bufferBody(ctx, multipart ? config.limits.upload_bytes + multipartOverheadBytes : jsonLimit);
      await verifier.verify({ method: ctx.method, path: ctx.path, rawQuery: ctx.querystring, body, headers: ctx.headers });
      return next();
    };
  };

  function forRoute(facts: MountedFacts): Middleware[] {
    if (isOpen(facts.access)) return [];
    const guards = [apiKeyGuard(facts), rateLimitGuard];
    if (signature?.covers(facts.group)) guards.push(signatureGuard(signature.verifier, facts));
    return guards;
  }

  return {
    forRoute,
    unmatched(factsAt) {
      // An unknown path is guarded like a plain keyed route (signed only when every route must be); a known path
      // asked with another method is guarded like the routes on it, so a public page's 405 stays public.
      const denied = inSequence(forRoute({ access: 'key', group: '' }));
      return async (ctx, next) => {
        const here = factsAt(ctx.path);
        if (here.length > 0 && here.every((facts) => isOpen(facts.access))) return next();
        const guards = here.length > 0 ? inSequence(forRoute({ access: 'key', group: here[0]!.group })) : denied;
        return guards(ctx, next);
      };
    },
    multiTenant: keys.size > 0,
    authenticateUpgrade(req, facts) {
      // Only what refuses the socket outright is a verdict; anything else (a store that does not answer) throws.
      const refusal = (error: unknown): UpgradeVerdict => {
        if (isGatewayError(error) && (error.status === 401 || error.status === 403 || error.status === 429)) {
          return { ok: false, error };
        }
        throw error;
      };
      try {
        const verdict = checkUpgrade(req, facts);
        return isPromise(verdict) ? verdict.catch(refusal) : verdict;
      } catch (error) {
        return refusal(error);
      }
    },
  };

  function checkUpgrade(req: IncomingMessage, facts: RouteFacts): MaybePromise<UpgradeVerdict> {
    if (isOpen(facts.access)) return { ok: true, mayRunWorkflows: true, submitNeedsSignature: false };
    const url = new URL(req.url ?? '/', 'http://upgrade.invalid');
    const presented = url.searchParams.get('api_key') ?? undefined;
    return andThen(authenticate(req.headers, req.socket.remoteAddress, presented), (key) => checkKeyedUpgrade(req, facts, url, key));
  }

  function checkKeyedUpgrade(req: IncomingMessage, facts: RouteFacts, url: URL, key: ApiKey | undefined): MaybePromise<UpgradeVerdict> {
    // Only what refuses the socket outright; a raw-workflow route limits what the socket may send instead.
    if (key) permit(key, { ...facts, rawWorkflow: false }, undefined);
    // A signed upgrade is checked like any signed request; an unsigned one is refused when every route needs a
    // signature, and otherwise opens without the right to submit when the signed groups cover submission.
    const signed = req.headers['x-signature'] !== undefined;
    const verified = andThen(limit(key?.name, req.socket.remoteAddress), () => {
      if (!signature || !(signature.global || signed)) return;
      const at = (req.url ?? '/').indexOf('?');
      return signature.verifier.verify({
        method: req.method ?? 'GET',
        path: url.pathname,
        rawQuery: at === -1 ? '' : (req.url ?? '').slice(at + 1),
        body: new Uint8Array(0),
        headers: req.headers,
      });
    });
    return andThen(verified, (): UpgradeVerdict => {
      const submitNeedsSignature = signature !== undefined && signature.coversSubmission && !signature.global && !signed;
      const mayRunWorkflows = !(facts.rawWorkflow && key?.scenarios);
      return key
        ? { ok: true, key: key.name, admin: key.admin, mayRunWorkflows, submitNeedsSignature }
        : { ok: true, mayRunWorkflows, submitNeedsSignature };
    });
  }
}

/** Runs the guards one after the other, then `next`. */
function inSequence(guards: readonly Middleware[]): Middleware {
  return (ctx, next) => guards.reduceRight<() => Promise<unknown>>((after, guard) => () => guard(ctx, after), next)();
}

interface SignatureStage {
  verifier: SignatureVerifier;
  global: boolean;
  /** The signed groups include a route that submits (workflows or scenarios): so does the WebSocket. */
  coversSubmission: boolean;
  /** Whether the routes of this group must be signed. */
  covers(group: string): boolean;
}

function createSignatureStage(config: Config, store: StateStore, now?: () => number): SignatureStage | undefined {
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
    nonces: store.nonces({
      ttlMs: 2 * settings.tolerance_seconds * 1000,
      capacity: settings.nonce_cache_size,
      ...(now ? { now } : {}),
    }),
    ...(now ? { now } : {}),
  });
  const groups = new Set<string>(settings.groups);
  return {
    verifier,
    global: settings.enabled,
    coversSubmission: settings.enabled || groups.has('workflows') || groups.has('scenarios'),
    covers: (group) => settings.enabled || groups.has(group),
  };
}
