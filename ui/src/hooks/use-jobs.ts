// The jobs the key may see, live: the list arrives first on the stream, then each change; a reconnect starts
// again from a fresh list, so nothing is missed while the stream was down.
import { useEffect, useState } from 'preact/hooks';
import { streams, type JobFilter } from '../api';
import type { Job } from '../types';

export function useJobs(filter: JobFilter = {}): { jobs: Job[]; live: boolean } {
  const [jobs, setJobs] = useState<Map<string, Job>>(new Map());
  const [live, setLive] = useState(false);
  const key = JSON.stringify(filter);
  useEffect(() => {
    setJobs(new Map());
    return streams.jobs(filter, {
      onConnection: setLive,
      onEvent(name, data) {
        if (name === 'jobs') setJobs(new Map((data as Job[]).map((job) => [job.prompt_id, job])));
        if (name === 'job') {
          const job = data as Job;
          setJobs((previous) => new Map(previous).set(job.prompt_id, job));
        }
        if (name === 'gone') {
          const { prompt_id: id } = data as { prompt_id: string };
          setJobs((previous) => {
            if (!previous.has(id)) return previous;
            const next = new Map(previous);
            next.delete(id);
            return next;
          });
        }
      },
    });
    // The filter's content, not its identity, decides when to follow another stream.
  }, [key]);
  const sorted = [...jobs.values()].sort((a, b) => (b.submitted_at ?? '').localeCompare(a.submitted_at ?? ''));
  return { jobs: sorted, live };
}
