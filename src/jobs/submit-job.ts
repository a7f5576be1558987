// Submitting a job, whichever door it came through (POST /api/v1/workflows/submit, a scenario's POST, the
// WebSocket `submit`): check the webhook, claim the Idempotency-Key, build and queue the prompt (the tracker records
// it), attach the webhook and, when asked, wait for the job's end. Callers hand over plain values, never a request,
// so the three doors cannot drift apart.
import type { Workflow } from '../comfy/types.js';
import type { JobDocument } from './job-document.js';
import type { Submission, Submitter } from './submit.js';
import type { WaitRequest } from './waiter.js';

/** An Idempotency-Key's place (caller, route, key) and what it must keep meaning (src/http/idempotency.ts). */
export interface IdempotencyClaim {
  scope: string;
  fingerprint: string;
}

/** Runs a step at most once per claim and hands later claims its answer again. */
export interface OnceGate {
  once<T extends object>(claim: IdempotencyClaim, produce: () => Promise<T>): Promise<{ answer: T; replayed: boolean }>;
}

/** The webhook side of a submission (src/webhooks/job-webhooks.ts). */
export interface SubmissionWebhooks {
  /** The URL to report to, checked; undefined when neither the request nor the manifest names one. */
  accept(requested: string | undefined, manifestDefault?: string): string | undefined;
  /** The job now carries a pending delivery; its links are built against `baseUrl` unless public_url is set. */
  attach(promptId: string, url: string, baseUrl: string): void;
}

/** Waits for the job and merges its document into the submit answer (src/routes/jobs.ts createJobAnswers). */
export type JobResult = <T extends object>(
  promptId: string,
  wait: WaitRequest,
  data: T,
  where: { baseUrl: string; signal?: AbortSignal },
) => Promise<JobDocument & T>;

/** What a scenario adds to a submission: its name, result nodes, mirroring and default webhook. */
export interface ScenarioFacts {
  name: string;
  outputs: readonly string[];
  mirror: boolean;
  webhook?: string | undefined;
}

export interface PreparedPrompt<T> {
  workflow: Workflow;
  /** The answer's data once ComfyUI queued the prompt. */
  answer: (submission: Submission) => T;
}

export interface JobRequest<T extends object> {
  /**
   * Builds the workflow (image inputs uploaded, fields applied). Runs inside the idempotency claim, so a replay
   * uploads and fetches nothing.
   */
  prepare: () => Promise<PreparedPrompt<T>> | PreparedPrompt<T>;
  /** The caller's client_id (its WebSocket hears the job's events). */
  clientId?: string | undefined;
  /** The submitting caller's id (src/security/caller.ts ownerFor); undefined on a single-tenant gateway. */
  owner?: string | undefined;
  scenario?: ScenarioFacts | undefined;
  /** The webhook the request names (a scenario's manifest default applies when it names none). */
  webhook?: string | undefined;
  /** Present when the request carries an Idempotency-Key. */
  idempotency?: IdempotencyClaim | undefined;
  /** Higher goes first while jobs wait in the gateway's queue; already capped for the caller. */
  priority?: number | undefined;
  /** `?wait=true`: the answer comes when the job ends (or the wait times out). */
  wait?: WaitRequest | undefined;
  /** The origin links in the answer and the webhook payload are built against (server.public_url wins). */
  baseUrl: string;
  /** Aborts the wait (the caller hung up). */
  signal?: AbortSignal | undefined;
}

export interface SubmittedJob<T> {
  /** The answer's data; with a wait, the job document merged in. */
  data: T;
  /** The Idempotency-Key's earlier answer, given again: nothing was submitted this time. */
  replayed: boolean;
}

export type SubmitJob = <T extends object>(request: JobRequest<T>) => Promise<SubmittedJob<T>>;

export interface SubmitJobDeps {
  /** Sends the prompt to ComfyUI and records the job (src/jobs/submit.ts). */
  submit: Submitter;
  webhooks: SubmissionWebhooks;
  idempotency: OnceGate;
  result: JobResult;
}

export function createSubmitJob(deps: SubmitJobDeps): SubmitJob {
  return async <T extends object>(request: JobRequest<T>): Promise<SubmittedJob<T>> => {
    // A bad webhook is refused before anything is claimed or queued.
    const webhook = deps.webhooks.accept(request.webhook, request.scenario?.webhook);

    const run = async (): Promise<{ data: T }> => {
      const prepared = await request.prepare();
      const scenario = request.scenario;
      const outputs = scenario?.outputs.length ? scenario.outputs : undefined;
      const submission = await deps.submit({
        workflow: prepared.workflow,
        clientId: request.clientId,
        owner: request.owner,
        scenario: scenario?.name,
        priority: request.priority,
        ...(outputs ? { outputNodes: outputs, meta: { outputs } } : {}),
        ...(scenario?.mirror ? { mirror: true } : {}),
      });
      if (webhook) deps.webhooks.attach(submission.promptId, webhook, request.baseUrl);
      const data = prepared.answer(submission);
      if (!request.wait) return { data };
      const where = { baseUrl: request.baseUrl, ...(request.signal ? { signal: request.signal } : {}) };
      return { data: await deps.result(submission.promptId, request.wait, data, where) };
    };

    if (!request.idempotency) return { data: (await run()).data, replayed: false };
    // The kept answer is `{ data }`: its outputs' inline base64 is taken out and re-read on replay.
    const { answer, replayed } = await deps.idempotency.once(request.idempotency, run);
    return { data: answer.data, replayed };
  };
}
