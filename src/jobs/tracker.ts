// What the gateway knows about each prompt it submitted: who asked (the caller's client_id), for which scenario,
// and when. The upstream event stream and the job routes read it; memory is bounded (oldest entries go first).
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'interrupted';

export interface JobRecord {
  promptId: string;
  /** The caller's client_id (the gateway submits upstream under its own). */
  clientId: string | undefined;
  scenario: string | undefined;
  submittedAt: number;
  number: number | undefined;
  status: JobStatus;
  /** When ComfyUI started it (the first execution event), and when it ended; set by advance(). */
  startedAt?: number;
  finishedAt?: number;
}

export interface JobTracker {
  record(job: Omit<JobRecord, 'status'> & { status?: JobStatus }): JobRecord;
  get(promptId: string): JobRecord | undefined;
  update(promptId: string, change: Partial<Omit<JobRecord, 'promptId'>>): JobRecord | undefined;
  /**
   * Moves a job to a status driven by an upstream event. A finished job stays finished (a late or repeated event
   * cannot reopen it). Returns the record when the status changed, else undefined.
   */
  advance(promptId: string, status: JobStatus, at?: number): JobRecord | undefined;
  /** Called after every record(); the returned function unsubscribes. */
  onRecord(listener: (job: JobRecord) => void): () => void;
  /** Jobs not yet succeeded, failed or interrupted (to catch up after the event stream was away). */
  unfinished(): JobRecord[];
  readonly size: number;
}

const finished: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'interrupted']);

export function isFinished(status: JobStatus): boolean {
  return finished.has(status);
}

export function createJobTracker(options: { maxJobs?: number } = {}): JobTracker {
  const maxJobs = options.maxJobs ?? 10_000;
  // A Map iterates in insertion order, so the first key is always the oldest job.
  const jobs = new Map<string, JobRecord>();
  const recordListeners = new Set<(job: JobRecord) => void>();
  return {
    record(job) {
      const record: JobRecord = { ...job, status: job.status ?? 'queued' };
      jobs.delete(job.promptId);
      jobs.set(job.promptId, record);
      while (jobs.size > maxJobs) jobs.delete(jobs.keys().next().value as string);
      for (const listener of recordListeners) listener(record);
      return record;
    },
    get: (promptId) => jobs.get(promptId),
    update(promptId, change) {
      const current = jobs.get(promptId);
      if (!current) return undefined;
      Object.assign(current, change);
      return current;
    },
    advance(promptId, status, at = Date.now()) {
      const current = jobs.get(promptId);
      if (!current || current.status === status || finished.has(current.status)) return undefined;
      current.status = status;
      if (status === 'running') current.startedAt ??= at;
      if (finished.has(status)) current.finishedAt = at;
      return current;
    },
    onRecord(listener) {
      recordListeners.add(listener);
      return () => recordListeners.delete(listener);
    },
    unfinished: () => [...jobs.values()].filter((job) => !finished.has(job.status)),
    get size() {
      return jobs.size;
    },
  };
}
