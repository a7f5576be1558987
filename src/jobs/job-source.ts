// Where the job list (src/jobs/job-feed.ts) reads its jobs and hears their changes. One source per gateway:
// - trackedJobs: this process's tracker (the memory store, one process): the ids of the most recent jobs in
//   submission order, each record read from the tracker; a job is listened to only while it is open, so a finished
//   job costs nothing but its id.
// - with the Redis store, every process's jobs (src/store/shared-job-source.ts): an index in Redis that each job's
//   writer keeps, and the changes of this process's jobs plus those other processes publish.
import type { MaybePromise } from '../store/maybe.js';
import { isFinished, type JobRecord, type JobTracker } from './tracker.js';

/** How many recent jobs the list remembers (older ones are still found by id). */
export const LISTED_JOBS = 1_000;

/** One page of the list: `more` when the list may go on past it. */
export interface RecentJobs {
  jobs: JobRecord[];
  more: boolean;
}

export interface JobSource {
  /** The most recent jobs (of `owner` only, when given), newest first: up to `count` from `offset`. */
  recent(owner: string | undefined, offset: number, count: number): MaybePromise<RecentJobs>;
  /** Calls `listener` on every change of a job the source lists; the returned function unsubscribes. */
  onChange(listener: (job: JobRecord) => void): () => void;
  /** Stops following. */
  close(): void;
}

export type TrackerView = Pick<JobTracker, 'get' | 'subscribe' | 'onRecord' | 'onFinished' | 'unfinished'>;

export function trackedJobs(tracker: TrackerView, keep = LISTED_JOBS): JobSource {
  // Insertion order is submission order; re-recording a job moves it to the end.
  const recent = new Set<string>();
  const listeners = new Set<(job: JobRecord) => void>();
  const following = new Map<string, () => void>();

  const tell = (job: JobRecord) => {
    for (const listener of listeners) listener(job);
  };
  const follow = (job: JobRecord) => {
    if (following.has(job.promptId) || isFinished(job.status)) return;
    following.set(job.promptId, tracker.subscribe(job.promptId, (_event, current) => tell(current)));
  };
  const unfollow = (promptId: string) => {
    following.get(promptId)?.();
    following.delete(promptId);
  };

  for (const job of tracker.unfinished()) {
    recent.add(job.promptId);
    follow(job);
  }
  const stopRecord = tracker.onRecord((job) => {
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
  const stopFinished = tracker.onFinished((job) => {
    unfollow(job.promptId);
    // Events already told the end; a job the watchdog or a cancel finished without one is told here.
    tell(job);
  });

  return {
    recent(owner, offset, count) {
      const ids = [...recent];
      const jobs: JobRecord[] = [];
      let skipped = 0;
      for (let i = ids.length - 1; i >= 0; i--) {
        const job = tracker.get(ids[i]!);
        if (!job || (owner !== undefined && job.owner !== owner)) continue;
        if (skipped++ < offset) continue;
        if (jobs.length === count) return { jobs, more: true };
        jobs.push(job);
      }
      return { jobs, more: false };
    },
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    close() {
      stopRecord();
      stopFinished();
      for (const promptId of [...following.keys()]) unfollow(promptId);
      listeners.clear();
    },
  };
}
