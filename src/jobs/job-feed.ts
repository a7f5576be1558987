// Every job a caller may see, as one list and one live stream (GET /api/v1/jobs and /api/v1/jobs/stream, which the
// console reads). The jobs and their changes come from one source (src/jobs/job-source.ts): this process's tracker
// with the memory store, every process's jobs with Redis; what a caller may see is decided here, for both.
import { PassThrough } from 'node:stream';
import type { EventStream } from '../http/event-stream.js';
import type { ImageUrlBuilder } from '../images/image-url.js';
import { maySee, type Caller } from '../security/caller.js';
import { andThen, isPromise, type MaybePromise } from '../store/maybe.js';
import type { Closing } from './closing.js';
import { buildJobDocument, type JobDocument } from './job-document.js';
import { LISTED_JOBS, type JobSource } from './job-source.js';
import { frame } from './sse.js';
import { isFinished, type JobRecord, type JobStatus } from './tracker.js';

/** A job as the list shows it: the job document, plus who submitted it. */
export interface JobSummary extends JobDocument {
  /** The API key name that submitted it; null with auth off or for a prompt submitted around the gateway. */
  caller: string | null;
}

export interface JobFilter {
  scenario?: string;
  status?: JobStatus;
  caller?: string;
  backend?: string;
}

export interface JobFeedDeps {
  source: JobSource;
  imageUrl: ImageUrlBuilder;
  closing: Closing;
  heartbeatMs?: number;
}

export interface JobFeed {
  /** The caller's jobs that match, newest first, at most `limit`. */
  list(caller: Caller | undefined, filter: JobFilter, limit: number, baseUrl: string): MaybePromise<JobSummary[]>;
  /**
   * `jobs` (the list, newest first) at once, then `job` each time one of the caller's jobs that matches changes,
   * and `gone` ({prompt_id}) when one it showed no longer matches.
   */
  stream(caller: Caller | undefined, filter: JobFilter, limit: number, baseUrl: string): MaybePromise<JobStream>;
  /** Calls `listener` on every change of any job (any caller's); the returned function unsubscribes. */
  onChange(listener: (job: JobRecord) => void): () => void;
  /** Stops following the tracker. */
  close(): void;
}

/** The stream route's body and its stop (src/http/event-stream.ts). */
export type JobStream = EventStream;

type Change = (job: JobRecord) => void;

/** How far a job has got: queued, running, ended. */
const stage = (status: JobStatus): number => (isFinished(status) ? 2 : status === 'running' ? 1 : 0);

export function createJobFeed(deps: JobFeedDeps): JobFeed {
  const watchers = new Set<Change>();
  const stopSource = deps.source.onChange((job) => {
    for (const watcher of watchers) watcher(job);
  });

  function matches(caller: Caller | undefined, filter: JobFilter, job: JobRecord): boolean {
    if (!maySee(caller, job.owner)) return false;
    if (filter.scenario !== undefined && job.scenario !== filter.scenario) return false;
    if (filter.status !== undefined && job.status !== filter.status) return false;
    if (filter.caller !== undefined && (job.owner ?? '') !== filter.caller) return false;
    if (filter.backend !== undefined && (job.backend ?? '') !== filter.backend) return false;
    return true;
  }

  const summary = (job: JobRecord, baseUrl: string): JobSummary => ({
    ...buildJobDocument(job, deps.imageUrl, baseUrl),
    caller: job.owner ?? null,
  });

  function list(caller: Caller | undefined, filter: JobFilter, limit: number, baseUrl: string): MaybePromise<JobSummary[]> {
    // A caller's key reads its own jobs only; an admin asking for one caller's jobs reads that caller's.
    const owner = caller && !caller.admin ? caller.id : filter.caller || undefined;
    // Filters the source does not apply may skip many jobs: read more at a time then.
    const narrowed = filter.scenario !== undefined || filter.status !== undefined || filter.backend !== undefined;
    const page = narrowed ? Math.max(limit, 250) : limit;
    const found: JobSummary[] = [];
    // A job submitted between two pages pushes the older ones down: seen once, listed once.
    const seen = new Set<string>();
    const from = (offset: number): MaybePromise<JobSummary[]> =>
      andThen(deps.source.recent(owner, offset, page), ({ jobs, more }) => {
        for (const job of jobs) {
          if (seen.has(job.promptId)) continue;
          seen.add(job.promptId);
          if (!matches(caller, filter, job)) continue;
          found.push(summary(job, baseUrl));
          if (found.length === limit) return found;
        }
        return more ? from(offset + page) : found;
      });
    return from(0);
  }

  function stream(caller: Caller | undefined, filter: JobFilter, limit: number, baseUrl: string): MaybePromise<JobStream> {
    const body = new PassThrough();
    // The jobs this stream has shown, oldest first (bounded like the list): only those can be `gone`. Undefined
    // until the list is written; changes that arrive while it is read are told after it.
    let shown: Set<string> | undefined;
    const early: JobRecord[] = [];
    const show = (job: JobRecord, seen: Set<string>) => {
      if (matches(caller, filter, job)) {
        body.write(frame('job', summary(job, baseUrl)));
        seen.delete(job.promptId);
        seen.add(job.promptId);
        if (seen.size > LISTED_JOBS) seen.delete(seen.values().next().value as string);
      } else if (seen.delete(job.promptId)) {
        // It left the filter (a running job that ended): a filtered list drops it.
        body.write(frame('gone', { prompt_id: job.promptId }));
      }
    };
    const watcher: Change = (job) => (shown ? show(job, shown) : early.push(job));
    watchers.add(watcher);
    let heartbeat: NodeJS.Timeout | undefined;
    let stopped = false;
    const stop = () => {
      if (stopped) return;
      stopped = true;
      watchers.delete(watcher);
      clearInterval(heartbeat);
      stopClosing();
      if (!body.writableEnded) body.end();
    };
    const stopClosing = deps.closing.onClose(stop);
    const listed = (() => {
      try {
        return list(caller, filter, limit, baseUrl);
      } catch (error) {
        stop();
        throw error;
      }
    })();
    const opened = andThen(listed, (initial): JobStream => {
      // The gateway closed while the list was read.
      if (stopped) return { body, stop };
      body.write(frame('jobs', initial));
      const seen = new Set(initial.map((job) => job.prompt_id).reverse());
      shown = seen;
      // A change heard while the list was read may be older than what the list read shows (another process's job
      // moved on meanwhile): a job is never told going back from where the list showed it.
      const listedAs = new Map(initial.map((job) => [job.prompt_id, job.status as JobStatus]));
      for (const job of early.splice(0)) {
        const before = listedAs.get(job.promptId);
        if (before === undefined || stage(job.status) >= stage(before)) show(job, seen);
      }
      heartbeat = setInterval(() => body.write(': heartbeat\n\n'), deps.heartbeatMs ?? 15_000);
      heartbeat.unref();
      return { body, stop };
    });
    // The list could not be read (Redis away): the request answers the error, and nothing is left listening.
    if (!isPromise(opened)) return opened;
    return opened.catch((error: unknown) => {
      stop();
      throw error;
    });
  }

  return {
    list,
    stream,
    onChange(listener) {
      watchers.add(listener);
      return () => void watchers.delete(listener);
    },
    close() {
      stopSource();
      deps.source.close();
      watchers.clear();
    },
  };
}
