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
}

export interface JobTracker {
  record(job: Omit<JobRecord, 'status'> & { status?: JobStatus }): JobRecord;
  get(promptId: string): JobRecord | undefined;
  update(promptId: string, change: Partial<Omit<JobRecord, 'promptId'>>): JobRecord | undefined;
  readonly size: number;
}

export function createJobTracker(options: { maxJobs?: number } = {}): JobTracker {
  const maxJobs = options.maxJobs ?? 10_000;
  // A Map iterates in insertion order, so the first key is always the oldest job.
  const jobs = new Map<string, JobRecord>();
  return {
    record(job) {
      const record: JobRecord = { ...job, status: job.status ?? 'queued' };
      jobs.delete(job.promptId);
      jobs.set(job.promptId, record);
      while (jobs.size > maxJobs) jobs.delete(jobs.keys().next().value as string);
      return record;
    },
    get: (promptId) => jobs.get(promptId),
    update(promptId, change) {
      const current = jobs.get(promptId);
      if (!current) return undefined;
      Object.assign(current, change);
      return current;
    },
    get size() {
      return jobs.size;
    },
  };
}
