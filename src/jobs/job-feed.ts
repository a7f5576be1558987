// Every job a caller may see, as one list and one live stream (GET /api/v1/jobs and /api/v1/jobs/stream, which the
// console reads). The feed keeps the ids of the most recent jobs in submission order and reads each record from
// the tracker, the one writer of job records; it listens to a job only while the job is open, so a finished job
// costs nothing but its id.
import { PassThrough, type Readable } from 'node:stream';
import type { ImageUrlBuilder } from '../images/image-url.js';
import { maySee, type Caller } from '../security/caller.js';
import type { Closing } from './closing.js';
import { buildJobDocument, type JobDocument } from './job-document.js';
import { frame } from './sse.js';
import { isFinished, type JobRecord, type JobStatus, type JobTracker } from './tracker.js';

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
  tracker: Pick<JobTracker, 'get' | 'subscribe' | 'onRecord' | 'onFinished' | 'unfinished'>;
  imageUrl: ImageUrlBuilder;
  closing: Closing;
  /** How many recent jobs the list remembers (the tracker may hold more; older ones are found by id). */
  keep?: number;
  heartbeatMs?: number;
}

export interface JobFeed {
  /** The caller's jobs that match, newest first, at most `limit`. */
  list(caller: Caller | undefined, filter: JobFilter, limit: number, baseUrl: string): JobSummary[];
  /**
   * `jobs` (the list, newest first) at once, then `job` each time one of the caller's jobs that matches changes,
   * and `gone` ({prompt_id}) when one it showed no longer matches.
   */
  stream(caller: Caller | undefined, filter: JobFilter, limit: number, baseUrl: string): { body: Readable; stop(): void };
  /** Calls `listener` on every change of any job (any caller's); the returned function unsubscribes. */
  onChange(listener: (job: JobRecord) => void): () => void;
  /** Stops following the tracker. */
  close(): void;
}

export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
  // nginx would otherwise hold the events back until its buffer fills.
  'X-Accel-Buffering': 'no',
};

type Change = (job: JobRecord) => void;

export function createJobFeed(deps: JobFeedDeps): JobFeed {
  const keep = deps.keep ?? 1_000;
  // Insertion order is submission order; re-recording a job moves it to the end.
  const recent = new Set<string>();
  const watchers = new Set<Change>();
  const following = new Map<string, () => void>();

  const tell = (job: JobRecord) => {
    for (const watcher of watchers) watcher(job);
  };
  const follow = (job: JobRecord) => {
    if (following.has(job.promptId) || isFinished(job.status)) return;
    following.set(job.promptId, deps.tracker.subscribe(job.promptId, (_event, current) => tell(current)));
  };
  const unfollow = (promptId: string) => {
    following.get(promptId)?.();
    following.delete(promptId);
  };

  for (const job of deps.tracker.unfinished()) {
    recent.add(job.promptId);
    follow(job);
  }
  const stopRecord = deps.tracker.onRecord((job) => {
    recent.delete(job.promptId);
    recent.add(job.promptId);
    while (recent.size > keep) {
      const oldest = recent.values().next().value as string;
      recent.delete(oldest);
      unfollow(oldest);
    }
    follow(job);
    tell(job);
  });
  const stopFinished = deps.tracker.onFinished((job) => {
    unfollow(job.promptId);
    // Events already told the end; a job the watchdog or a cancel finished without one is told here.
    tell(job);
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

  function list(caller: Caller | undefined, filter: JobFilter, limit: number, baseUrl: string): JobSummary[] {
    const found: JobSummary[] = [];
    const ids = [...recent];
    for (let i = ids.length - 1; i >= 0 && found.length < limit; i--) {
      const job = deps.tracker.get(ids[i]!);
      if (job && matches(caller, filter, job)) found.push(summary(job, baseUrl));
    }
    return found;
  }

  return {
    list,
    stream(caller, filter, limit, baseUrl) {
      const body = new PassThrough();
      const initial = list(caller, filter, limit, baseUrl);
      body.write(frame('jobs', initial));
      // The jobs this stream has shown, oldest first (bounded like the feed): only those can be `gone`.
      const shown = new Set(initial.map((job) => job.prompt_id).reverse());
      const watcher: Change = (job) => {
        if (matches(caller, filter, job)) {
          body.write(frame('job', summary(job, baseUrl)));
          shown.delete(job.promptId);
          shown.add(job.promptId);
          if (shown.size > keep) shown.delete(shown.values().next().value as string);
        } else if (shown.delete(job.promptId)) {
          // It left the filter (a running job that ended): a filtered list drops it.
          body.write(frame('gone', { prompt_id: job.promptId }));
        }
      };
      watchers.add(watcher);
      const heartbeat = setInterval(() => body.write(': heartbeat\n\n'), deps.heartbeatMs ?? 15_000);
      heartbeat.unref();
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
      return { body, stop };
    },
    onChange(listener) {
      watchers.add(listener);
      return () => void watchers.delete(listener);
    },
    close() {
      stopRecord();
      stopFinished();
      for (const promptId of [...following.keys()]) unfollow(promptId);
      watchers.clear();
    },
  };
}
