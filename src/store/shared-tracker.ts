// The job tracker with a shared store (src/store/redis/jobs.ts). Two views of one tracker:
// - `writer`: what this process's own parts use (dispatcher, relay, watchdog, mirror, deliveries, webhooks). Every
//   change to one of this process's jobs is published after the tracker took it; it never sees another process's
//   jobs, so nothing here ever writes a record it does not own (one writer per record).
// - `reader`: what the routes that follow a job use (job document, SSE, downloads): this process's jobs first, then
//   the copies of other processes' jobs, whose events come from the shared bus.
// - `listed`: what the job list and its stream read (src/jobs/job-feed.ts): every process's recent jobs from the
//   index their writers keep in Redis, and the changes of this process's jobs and of those the bus brings.
// With the memory store none exists and the gateway uses its tracker as it always did.
import type { JobEvent } from '../jobs/job-event.js';
import { trackedJobs, type JobSource } from '../jobs/job-source.js';
import { CANCELLED_EVENT, type CancelReason, type JobListener, type JobStatus, type JobTracker } from '../jobs/tracker.js';
import type { SharedJobs } from './types.js';

export interface SharedTracker {
  writer: JobTracker;
  reader: JobTracker;
  /** This process's job, else another's as last heard, else another's from Redis. */
  find(promptId: string): Promise<ReturnType<JobTracker['get']>>;
  listed: JobSource;
}

/** What this process does with a dead process's jobs is src/pool/adopt-jobs.ts: they join the writer's side. */
export function shareTracker(tracker: JobTracker, shared: SharedJobs): SharedTracker {
  // Methods replaced on a delegate, not spread over it: a spread would read `size` once instead of following it.
  const writer: JobTracker = Object.assign(delegate(tracker), {
    record(job: Parameters<JobTracker['record']>[0]) {
      const record = tracker.record(job);
      shared.publish(record);
      return record;
    },
    update(promptId: string, change: Parameters<JobTracker['update']>[1]) {
      const record = tracker.update(promptId, change);
      if (record) shared.publish(record);
      return record;
    },
    apply(promptId: string, event: JobEvent, at?: number) {
      const known = tracker.apply(promptId, event, at);
      const record = known ? tracker.get(promptId) : undefined;
      if (record) shared.publish(record, event);
      return known;
    },
    advance(promptId: string, status: JobStatus, at?: number) {
      const record = tracker.advance(promptId, status, at);
      if (record) shared.publish(record);
      return record;
    },
    cancel(promptId: string, reason: CancelReason, at?: number) {
      const record = tracker.cancel(promptId, reason, at);
      const data = { prompt_id: promptId, reason: reason.type, message: reason.message };
      if (record) shared.publish(record, { type: CANCELLED_EVENT, data });
      return record;
    },
  });
  const reader: JobTracker = Object.assign(delegate(writer), {
    get: (promptId: string) => tracker.get(promptId) ?? shared.get(promptId),
    // Both: a job's events come from exactly one of them at a time (the bus skips this process's own), and a job
    // this process adopts moves from the bus to the tracker while its streams and waits keep listening.
    subscribe(promptId: string, listener: JobListener) {
      const offLocal = tracker.subscribe(promptId, listener);
      const offShared = shared.subscribe(promptId, listener);
      return () => {
        offLocal();
        offShared();
      };
    },
  });
  const own = trackedJobs(tracker);
  const listed: JobSource = {
    recent: (owner, offset, count) => shared.recent(owner, offset, count),
    onChange(listener) {
      const offOwn = own.onChange(listener);
      const offShared = shared.onChange(listener);
      return () => {
        offOwn();
        offShared();
      };
    },
    close: () => own.close(),
  };
  return {
    writer,
    reader,
    listed,
    find: async (promptId) => tracker.get(promptId) ?? shared.get(promptId) ?? (await shared.load(promptId)),
  };
}

/** Every method of the tracker, bound to it (a spread of the object would copy `size` once, not follow it). */
function delegate(tracker: JobTracker): JobTracker {
  return {
    record: (job) => tracker.record(job),
    get: (promptId) => tracker.get(promptId),
    update: (promptId, change) => tracker.update(promptId, change),
    apply: (promptId, event, at) => tracker.apply(promptId, event, at),
    advance: (promptId, status, at) => tracker.advance(promptId, status, at),
    cancel: (promptId, reason, at) => tracker.cancel(promptId, reason, at),
    onRecord: (listener) => tracker.onRecord(listener),
    onFinished: (listener) => tracker.onFinished(listener),
    subscribe: (promptId, listener) => tracker.subscribe(promptId, listener),
    unfinished: () => tracker.unfinished(),
    get size() {
      return tracker.size;
    },
  };
}
