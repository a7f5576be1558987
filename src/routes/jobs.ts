// Following a prompt: GET /api/v1/jobs/{prompt_id} (the job document, `?wait=true` to answer when it ends),
// GET /api/v1/jobs/{prompt_id}/events (SSE), and `?wait=true` on the submitting routes (createJobAnswers, used by
// workflows.ts and scenarios.ts after their submission). A prompt the tracker does not know is read from the shared
// store (another gateway process's job), else rebuilt from ComfyUI's queue and history.
import type { Context } from 'koa';
import type { RouteGroup } from '../app.js';
import type { ComfyClient, ViewFile } from '../comfy/client.js';
import type { Config } from '../config.js';
import { fail } from '../errors.js';
import { defineRoute } from '../http/define-route.js';
import { ok, stateOf } from '../http/envelope.js';
import { originOf } from '../http/origin.js';
import { message } from '../i18n.js';
import type { Logger } from '../log.js';
import { maySee } from '../security/caller.js';
import { jobDocumentSchema, typedJobDocument, type JobDocument } from '../jobs/job-document.js';
import { inlineOutputs } from '../jobs/outputs.js';
import type { Converter } from '../outputs/convert.js';
import { queuePosition, type RecoverJob } from '../jobs/recover.js';
import type { ImageUrlBuilder } from '../images/image-url.js';
import type { Closing } from '../jobs/closing.js';
import { streamJobEvents } from '../jobs/sse.js';
import { sendEventStream } from '../http/event-stream.js';
import type { JobFeed } from '../jobs/job-feed.js';
import { jobListRoutes } from './job-list.js';
import type { JobRecord, JobTracker } from '../jobs/tracker.js';
import { parseWaitQuery, waitForJob, waitQuerySchema, type WaitRequest } from '../jobs/waiter.js';

export interface JobRouteDeps {
  tracker: JobTracker;
  comfy: Pick<ComfyClient, 'getQueue' | 'getHistory' | 'view'>;
  imageUrl: ImageUrlBuilder;
  recover: RecoverJob;
  settings: Config['jobs'];
  log: Logger;
  /** SSE heartbeat comment interval (15 s). */
  heartbeatMs?: number;
  /** Aborted when the gateway closes: waits answer with the current status, SSE streams end. */
  closing: Closing;
  /** The list of recent jobs and its live stream (GET /api/v1/jobs, /api/v1/jobs/stream). */
  feed?: JobFeed;
  /** 1 = runs next, for a queued job: its place in the gateway's queue, else in its backend's queue. */
  queuePosition?: (job: JobRecord) => Promise<number | undefined>;
  /** Converts the files a `?format=` job inlines (`?output=base64`). */
  converter?: Converter;
}

export interface JobAnswers {
  /** Reads `?wait`, `?timeout`, `?output` before submitting (a bad value is a 400 and nothing is queued). */
  parseWait(ctx: Context): WaitRequest | undefined;
  /**
   * Waits for the job (until it ends, the timeout, the caller hanging up or the gateway closing) and returns the
   * submit answer's data with the job document merged in; the submit fields keep their own shape.
   */
  withResult<T extends object>(
    promptId: string,
    wait: WaitRequest,
    data: T,
    where: { baseUrl: string; signal?: AbortSignal },
  ): Promise<JobDocument & T>;
}

const promptIdParam = {
  type: 'object',
  required: ['prompt_id'],
  properties: { prompt_id: { type: 'string', minLength: 1, maxLength: 200 } },
};

export function createJobAnswers(deps: JobRouteDeps): JobAnswers {
  return {
    parseWait(ctx) {
      const parsed = parseWaitQuery(ctx.query, {
        defaultS: deps.settings.wait_timeout_default_s,
        maxS: deps.settings.wait_timeout_max_s,
      });
      if ('problem' in parsed) throw fail.badRequest(message(parsed.problem.key, parsed.problem.params));
      return parsed.wait;
    },
    async withResult(promptId, wait, data, where) {
      const job = await waitForJob(deps.tracker, promptId, wait.timeoutMs, where.signal, deps.closing);
      if (!job) throw fail.notFound(message('what.job', { id: promptId }));
      const document = await documentOf(deps, job, where.baseUrl);
      if (wait.base64) {
        const comfy = { view: (file: ViewFile) => deps.comfy.view({ ...file, backend: job.backend }) };
        const reader = { comfy, converter: deps.converter };
        document.outputs = await inlineOutputs(document.outputs, reader, deps.settings.base64_max_bytes);
      }
      // The document is what the job is now; the submit answer said what it was at submission (a job that
      // waited in the gateway's queue was `queued` with no number then), so the document wins where both speak.
      return { ...data, ...document };
    },
  };
}

export function jobRoutes(deps: JobRouteDeps): RouteGroup {
  const answers = createJobAnswers(deps);
  async function find(ctx: Context, promptId: string): Promise<JobRecord> {
    const job = deps.tracker.get(promptId) ?? (await deps.recover(promptId));
    // Another caller's job answers exactly like an unknown one: a caller cannot learn that an id exists.
    if (!job || !maySee(stateOf(ctx).caller, job.owner)) throw fail.notFound(message('what.job', { id: promptId }));
    return job;
  }

  const detail = defineRoute<unknown, Record<string, unknown>, { prompt_id: string }>({
    method: 'get',
    path: '/api/v1/jobs/{prompt_id}',
    operationId: 'getJob',
    summary: "A job's status, progress, outputs (with download URLs) and error",
    description:
      'Any prompt the gateway submitted, also after a gateway restart: a prompt the gateway no longer remembers is ' +
      "rebuilt from ComfyUI's queue and history (the submitter's client_id and scenario travel in its extra_data). " +
      '`queue_position` (1 = runs next) is read from ComfyUI while the job is queued. 404 when neither the gateway ' +
      'nor ComfyUI knows the id, and likewise for another caller\'s prompt (a key sees only its own; admin keys all). ' +
      'With `?wait=true` the answer comes when the job ends (or at the timeout, with its status then), as on the ' +
      'submitting routes; any gateway process can wait for a job any other submitted.',
    tags: ['jobs'],
    params: promptIdParam,
    query: waitQuerySchema,
    response: jobDocumentSchema,
    errors: [400, 404, 1001],
    async handler(ctx, { params }) {
      const wait = answers.parseWait(ctx);
      const job = await find(ctx, params.prompt_id);
      const baseUrl = originOf(ctx);
      const document = wait
        ? await answers.withResult(job.promptId, wait, {}, { baseUrl, signal: hangUpSignal(ctx) })
        : await documentOf(deps, job, baseUrl);
      ok(ctx, document, 'job.detail');
    },
  });

  const events = defineRoute<unknown, Record<string, unknown>, { prompt_id: string }>({
    method: 'get',
    path: '/api/v1/jobs/{prompt_id}/events',
    operationId: 'streamJobEvents',
    summary: "A job's events as Server-Sent Events",
    description:
      'First `state` (the job document), then the events the gateway WebSocket relays for this prompt (the SSE ' +
      'event name is the `type`, the data is the same JSON: `execution_start`, `executing`, `progress`, `executed` ' +
      'with download URLs, `execution_success` / `execution_error` / `execution_interrupted`), then `end` (the job ' +
      'document) and the stream closes. A job that has already ended answers `state` and `end` at once. A comment ' +
      'line every 15 s keeps the connection alive. Example: `curl -N http://localhost:8000/api/v1/jobs/<id>/events`.',
    tags: ['jobs'],
    params: promptIdParam,
    rawResponse: { contentTypes: ['text/event-stream'], description: 'event: <type>\\ndata: <JSON>\\n\\n, …' },
    errors: [404, 1001],
    async handler(ctx, { params }) {
      const job = await find(ctx, params.prompt_id);
      const events = streamJobEvents(job, originOf(ctx), {
        tracker: deps.tracker,
        imageUrl: deps.imageUrl,
        heartbeatMs: deps.heartbeatMs ?? 15_000,
        closing: deps.closing,
      });
      sendEventStream(ctx, events);
    },
  });

  // The list routes first: `/api/v1/jobs/stream` would otherwise be read as a prompt id.
  return { name: 'jobs', routes: [...(deps.feed ? jobListRoutes(deps.feed) : []), detail, events] };
}

/** The document, with the queue position read from ComfyUI while the job waits (left null if ComfyUI is away). */
async function documentOf(deps: JobRouteDeps, job: JobRecord, baseUrl: string): Promise<JobDocument> {
  let position: number | undefined;
  if (job.status === 'queued') {
    try {
      position = deps.queuePosition
        ? await deps.queuePosition(job)
        : queuePosition(await deps.comfy.getQueue(), job.promptId);
    } catch (error) {
      deps.log.debug({ err: error }, 'queue position unavailable');
    }
  }
  return typedJobDocument(job, deps.imageUrl, baseUrl, { queuePosition: position ?? null });
}

/** Aborts when the caller's connection closes before the answer is written. */
export function hangUpSignal(ctx: Context): AbortSignal {
  const controller = new AbortController();
  ctx.res.once('close', () => {
    if (!ctx.res.writableEnded) controller.abort();
  });
  return controller.signal;
}

