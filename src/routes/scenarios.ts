// The scenario routes, all declared like any other: GET list/detail, and POST /api/v1/scenarios/{name}, whose body
// is planned per request from the registry's current snapshot, read once: a request in flight keeps the scenario
// it started with while a reload swaps in the next one.
import type { Context } from 'koa';
import type { RouteGroup } from '../app.js';
import { fail } from '../errors.js';
import { message } from '../i18n.js';
import { defineRoute, type BodyPlan } from '../http/define-route.js';
import { ok, okWithMessage, stateOf } from '../http/envelope.js';
import { claimOf, REPLAYED_HEADER } from '../http/idempotency.js';
import { originOf } from '../http/origin.js';
import type { SubmitJob } from '../jobs/submit-job.js';
import type { ConvertSpec } from '../outputs/convert-options.js';
import { requestedConversion } from '../outputs/convert-options.js';
import { offersConversion, requestedPutUrls, requestedSinks } from '../outputs/submit-query.js';
import type { WaitRequest } from '../jobs/waiter.js';
import { hangUpSignal, type JobAnswers } from './jobs.js';
import { buildPrompt, type SeedSource } from '../scenarios/apply-fields.js';
import type { ScenarioRegistry } from '../scenarios/registry.js';
import type { ScenarioForm, ScenarioImages } from './scenario-images.js';
import { ownerFor } from '../security/caller.js';
import type { CompiledScenario, ScenarioStatus, Snapshot } from '../scenarios/types.js';

export interface ScenarioRouteDeps {
  registry: ScenarioRegistry;
  /** Webhook (the body's, else the manifest's), Idempotency-Key, submission and `?wait=true` (src/jobs/submit-job.ts). */
  submitJob: SubmitJob;
  jsonLimitBytes: number;
  seed?: SeedSource;
  /** Reads `?wait` / `?timeout` / `?output` (src/routes/jobs.ts). */
  jobs: Pick<JobAnswers, 'parseWait'>;
  /** Image fields in any form (file name, data URL, base64, URL, multipart part). */
  images: ScenarioImages;
  /** limits.image_body_bytes: the JSON limit for scenarios that have an image field (base64 is big). */
  imageBodyLimitBytes: number;
}

export function scenarioRoutes(deps: ScenarioRouteDeps): RouteGroup {
  const list = defineRoute({
    method: 'get',
    path: '/api/v1/scenarios',
    operationId: 'listScenarios',
    summary: 'List scenarios and their load status',
    description: 'Every manifest in scenarios/: loaded, loaded-with-warnings (with the warnings), failed (with the reason and the version still serving, if any), or draft (`draft: true`: checked, not served).',
    tags: ['scenarios'],
    handler(ctx) {
      const snapshot = deps.registry.current();
      const scenarios = [...snapshot.statuses.values()].map((status) => describeStatus(snapshot, status));
      ok(ctx, { version: snapshot.version, count: scenarios.length, scenarios }, 'scenario.list');
    },
  });

  const detail = defineRoute<unknown, Record<string, unknown>, { name: string }>({
    method: 'get',
    path: '/api/v1/scenarios/{name}',
    operationId: 'getScenario',
    summary: 'One scenario: fields, request schema, mappings and an example body',
    tags: ['scenarios'],
    params: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
    errors: [404],
    handler(ctx, { params }) {
      const snapshot = deps.registry.current();
      const scenario = snapshot.scenarios.get(params.name);
      const status = [...snapshot.statuses.values()].find((s) => s.name === params.name);
      if (!scenario && !status) throw unknownScenario(snapshot, params.name);
      ok(ctx, { ...(status ? describeStatus(snapshot, status) : {}), ...(scenario ? describeScenario(scenario) : {}) }, 'scenario.detail');
    },
  });

  const run = defineRoute<Record<string, unknown>, Record<string, unknown>, { name: string }, ScenarioRun, ScenarioForm>({
    method: 'post',
    path: '/api/v1/scenarios/{name}',
    operationId: 'runScenario',
    summary: 'Run a scenario',
    tags: ['scenarios'],
    // Each scenario of the registry is documented as its own operation, with its own body.
    undocumented: true,
    scenarioParam: 'name',
    // The signature guard reads the body before the plan is known: the larger limit, as for any image body.
    imageBody: true,
    params: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
    planBody: (ctx) => planScenario(deps, ctx),
    async handler(ctx, { target, form }) {
      await answer(deps, ctx, target, form);
    },
  });

  return { name: 'scenarios', routes: [list, detail, run] };
}

/** One request's scenario, from the snapshot current when it arrived, its `?wait=` and its `?format=`. */
interface ScenarioRun {
  scenario: CompiledScenario;
  wait: WaitRequest | undefined;
  convert: ConvertSpec | undefined;
}

/** The snapshot is read once here; the body, its validator and its limit are this scenario's. */
function planScenario(deps: ScenarioRouteDeps, ctx: Context): BodyPlan<ScenarioRun, ScenarioForm> {
  const snapshot = deps.registry.current();
  // The raw segment: the router hands on a malformed escape (`%ff`) undecoded, which is the caller's mistake.
  const name = decodeSegment((ctx as Context & { captures?: string[] }).captures?.[0] ?? '');
  const scenario = snapshot.scenarios.get(name);
  if (!scenario) throw unknownScenario(snapshot, name);
  const wait = deps.jobs.parseWait(ctx);
  const convert = requestedConversion(ctx.query);
  if (convert && !offersConversion(scenario)) throw fail.badRequest(message('reason.convert_not_offered', { name }));
  return {
    target: { scenario, wait, convert },
    validate: scenario.validate,
    jsonLimitBytes: scenario.fields.some((f) => f.image) ? deps.imageBodyLimitBytes : deps.jsonLimitBytes,
    readForm: (request: Context) => deps.images.readForm(request, scenario),
  };
}

/** One scenario request, its body not yet read: validate, build the prompt, submit it (or only build: dry_run). */
async function answer(
  deps: ScenarioRouteDeps,
  ctx: Context,
  { scenario, wait, convert }: ScenarioRun,
  form: ScenarioForm | undefined,
): Promise<void> {
  // Read and checked against the scenario's validator by the route's stages.
  const body = form?.fields ?? ((ctx.request.body ?? {}) as Record<string, unknown>);
  const { client_id: clientId, webhook, ...given } = body as { client_id?: string; webhook?: string } & Record<string, unknown>;
  const build = async () => buildPrompt(scenario, await deps.images.resolve(ctx, scenario, given, form?.files), deps.seed);

  const dryRun = ['true', '1', 'yes'].includes(String(ctx.query.dry_run ?? '').toLowerCase());
  if (dryRun) {
    const built = await build();
    ok(ctx, { scenario: scenario.name, version: scenario.version, workflow: built.workflow, params: built.params }, 'scenario.dry_run');
    return;
  }
  const { data, replayed } = await deps.submitJob({
    async prepare() {
      const built = await build();
      return {
        workflow: built.workflow,
        answer: (submission) => ({
          prompt_id: submission.promptId,
          scenario: scenario.name,
          params: built.params,
          ...(clientId ? { client_id: clientId } : {}),
          ...(submission.queuePosition !== undefined ? { status: 'queued', queue_position: submission.queuePosition } : {}),
        }),
      };
    },
    clientId,
    owner: ownerFor(stateOf(ctx).caller),
    scenario: {
      name: scenario.name,
      outputs: scenario.outputs,
      mirror: scenario.mirror === true,
      webhook: scenario.webhook,
      ...(scenario.convert ? { convert: scenario.convert } : {}),
      ...(scenario.deliver ? { deliver: scenario.deliver } : {}),
    },
    webhook,
    convert,
    deliver: requestedSinks(ctx.query),
    putUrls: requestedPutUrls(ctx.query),
    idempotency: claimOf(ctx, `POST /api/v1/scenarios/${scenario.name}`, body),
    wait,
    baseUrl: originOf(ctx),
    signal: wait ? hangUpSignal(ctx) : undefined,
  });
  if (scenario.customMessage) okWithMessage(ctx, data, scenario.customMessage);
  else ok(ctx, data, 'scenario.submitted');
  if (replayed) ctx.set(REPLAYED_HEADER, 'true');
}

/** A malformed escape (`%ff`, `%E0%A4%A`) is the caller's mistake: decodeURIComponent would throw a URIError (500). */
function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw fail.badRequest(message('reason.scenario_name_encoding', { raw }));
  }
}

function unknownScenario(snapshot: Snapshot, name: string) {
  const known = [...snapshot.scenarios.keys()].sort();
  const shown = known.slice(0, 10).join(', ') + (known.length > 10 ? ', …' : '');
  const broken = [...snapshot.statuses.values()].find((s) => s.name === name && s.state === 'failed');
  if (broken) return fail.notFound(message('what.scenario_failed', { name, file: broken.file }));
  return fail.notFound(known.length ? message('what.scenario', { name, known: shown }) : message('what.scenario_none', { name }));
}

function describeStatus(snapshot: Snapshot, status: ScenarioStatus) {
  const scenario = snapshot.scenarios.get(status.name);
  const servedByThisFile = scenario?.file === status.file ? scenario : undefined;
  return {
    name: status.name,
    file: status.file,
    status: status.state,
    route: `/api/v1/scenarios/${status.name}`,
    summary: servedByThisFile?.summary ?? null,
    version: servedByThisFile?.version ?? null,
    warnings: status.warnings,
    errors: status.errors,
    serving_version: status.servingVersion ?? null,
  };
}

function describeScenario(scenario: CompiledScenario) {
  return {
    name: scenario.name,
    route: scenario.route,
    file: scenario.file,
    workflow: scenario.workflowFile,
    summary: scenario.summary,
    description: scenario.description,
    tags: scenario.tags,
    version: scenario.version,
    message: scenario.message,
    fields: scenario.fields.map((field) => ({
      name: field.name,
      required: field.required,
      ...('default' in field ? { default: field.default } : {}),
      ...(field.randomIf !== undefined ? { random_if: field.randomIf } : {}),
      to: field.targets.map((t) => `${t.node}.inputs.${t.input}`),
      schema: field.schema,
    })),
    schema: scenario.requestSchema,
    example: scenario.example,
    outputs: scenario.outputs,
    mirror: scenario.mirror,
  };
}
