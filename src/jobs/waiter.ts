// Waiting for a job in one call. The wait is resolved by the tracker's event for that one job (the relay's live
// event, a history replay or the watchdog's verdict), never by a polling loop inside the request; a timer only
// bounds it. A caller who hangs up stops waiting at once.
import type { Closing } from './closing.js';
import { isFinished, type JobRecord, type JobTracker } from './tracker.js';

/**
 * The job once it has succeeded, failed or been interrupted, or as it stands when `timeoutMs` passes, `signal`
 * aborts (the caller hung up) or the gateway closes. undefined only for a prompt the tracker does not know.
 * The closing is listened to on its own, not merged with the signal through AbortSignal.any: that made a
 * composite signal per wait, each tied to the gateway's long-lived one, and removing its listener was the single
 * largest item of a sync job's profile.
 */
export function waitForJob(
  tracker: Pick<JobTracker, 'get' | 'subscribe'>,
  promptId: string,
  timeoutMs: number,
  signal?: AbortSignal,
  closing?: Pick<Closing, 'closed' | 'onClose'>,
): Promise<JobRecord | undefined> {
  const job = tracker.get(promptId);
  if (!job || isFinished(job.status) || signal?.aborted || closing?.closed) return Promise.resolve(job);
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      unsubscribe();
      signal?.removeEventListener('abort', done);
      stopClosing?.();
      resolve(tracker.get(promptId) ?? job);
    };
    const timer = setTimeout(done, timeoutMs);
    const unsubscribe = tracker.subscribe(promptId, (_event, current) => {
      if (isFinished(current.status)) done();
    });
    signal?.addEventListener('abort', done, { once: true });
    const stopClosing = closing?.onClose(done);
  });
}

export interface WaitRequest {
  timeoutMs: number;
  /** `?output=base64`: the images go into the answer. */
  base64: boolean;
}

export interface WaitSettings {
  /** jobs.wait_timeout_default_s and jobs.wait_timeout_max_s. */
  defaultS: number;
  maxS: number;
}

/** Problems with the query, as i18n keys with their parameters; the route turns one into a 400. */
export type WaitQueryProblem =
  | { key: 'reason.wait_flag'; params: { value: string } }
  | { key: 'reason.wait_timeout'; params: { value: string; max: number } }
  | { key: 'reason.wait_output'; params: { value: string } }
  | { key: 'reason.output_without_wait'; params: Record<string, never> };

const yes = new Set(['true', '1', 'yes']);
const no = new Set(['false', '0', 'no', '']);

/**
 * `?wait=true[&timeout=<s>][&output=base64|url]` → what to wait for; undefined when the caller does not wait. A
 * timeout above the configured maximum is lowered to it (the answer still comes, with the status at that time).
 */
export function parseWaitQuery(
  query: Record<string, unknown>,
  settings: WaitSettings,
): { wait: WaitRequest | undefined } | { problem: WaitQueryProblem } {
  const flag = String(first(query.wait) ?? '').toLowerCase();
  if (!yes.has(flag) && !no.has(flag)) return { problem: { key: 'reason.wait_flag', params: { value: flag } } };
  const output = String(first(query.output) ?? 'url').toLowerCase();
  if (output !== 'url' && output !== 'base64') return { problem: { key: 'reason.wait_output', params: { value: output } } };
  const rawTimeout = first(query.timeout);
  let seconds = settings.defaultS;
  if (rawTimeout !== undefined && rawTimeout !== '') {
    seconds = Number(rawTimeout);
    if (!Number.isFinite(seconds) || seconds <= 0) {
      return { problem: { key: 'reason.wait_timeout', params: { value: String(rawTimeout), max: settings.maxS } } };
    }
  }
  // Without wait the answer holds no images: a base64 request would be silently dropped, so it is refused.
  if (!yes.has(flag)) return output === 'base64' ? { problem: { key: 'reason.output_without_wait', params: {} } } : { wait: undefined };
  return { wait: { timeoutMs: Math.min(seconds, settings.maxS) * 1000, base64: output === 'base64' } };
}

function first(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

/** The wait part of a submitting route's query, for its documentation (parseWaitQuery checks the values). */
export const waitQuerySchema = {
  type: 'object',
  properties: {
    wait: {
      type: 'string',
      enum: ['true', 'false', '1', '0', 'yes', 'no'],
      description: 'true: answer when the job ends, with the job document (status, outputs, error) in data',
    },
    timeout: {
      type: 'string',
      pattern: '^[0-9]+(\\.[0-9]+)?$',
      description: 'With wait: seconds to wait at most (default jobs.wait_timeout_default_s, at most jobs.wait_timeout_max_s); then 200 with the current status',
    },
    output: {
      type: 'string',
      enum: ['url', 'base64'],
      description: 'With wait: base64 puts each image into outputs[].base64 and .mime (at most jobs.base64_max_bytes per answer); without wait=true it is refused (400)',
    },
  },
} as const;
