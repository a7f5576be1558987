// The system at a glance: backends, the gateway's queue, jobs per minute, what is running, recent failures.
import { useEffect, useState } from 'preact/hooks';
import { BackendCard } from '../components/backend-card';
import { JobTable } from '../components/job-table';
import { Live } from '../components/status';
import { useSession } from '../context';
import { useBackends } from '../hooks/use-backends';
import { useJobs } from '../hooks/use-jobs';

/** The time, again every few seconds: "the last minute" moves on even when no job does. */
function useNow(everyMs: number): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

export function Overview() {
  const { t } = useSession();
  const { jobs, live } = useJobs();
  const backends = useBackends();
  const minuteAgo = useNow(5_000) - 60_000;
  const perMinute = jobs.filter((job) => job.finished_at && Date.parse(job.finished_at) >= minuteAgo).length;
  const running = jobs.filter((job) => job.status === 'running');
  const queued = jobs.filter((job) => job.status === 'queued').length;
  const failures = jobs.filter((job) => job.status === 'failed').slice(0, 5);
  return (
    <div class="page">
      <h1>{t('nav.overview')} <Live live={live} /></h1>
      <div class="stats">
        <div class="stat" data-stat="queue"><span>{t('overview.queue')}</span><b>{backends.data?.queue.waiting ?? queued}</b></div>
        <div class="stat" data-stat="running"><span>{t('overview.running')}</span><b>{running.length}</b></div>
        <div class="stat" data-stat="rate"><span>{t('overview.rate')}</span><b>{perMinute}</b></div>
      </div>
      <h2>{t('overview.backends')}</h2>
      {backends.error && <p class="error">{backends.error}</p>}
      <div class="cards">{backends.data?.backends.map((backend) => <BackendCard key={backend.name} backend={backend} />)}</div>
      {running.length > 0 && <><h2>{t('overview.running')}</h2><JobTable jobs={running} /></>}
      <h2>{t('overview.failures')}</h2>
      {failures.length ? <JobTable jobs={failures} /> : <p class="muted">{t('overview.none')}</p>}
    </div>
  );
}
