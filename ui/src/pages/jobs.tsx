// The live job list, filtered by scenario, status, caller and backend (the filter is applied by the gateway).
import { useState } from 'preact/hooks';
import type { JobFilter } from '../api';
import { JobTable } from '../components/job-table';
import { Live } from '../components/status';
import { useSession } from '../context';
import { useJobs } from '../hooks/use-jobs';

const STATUSES = ['queued', 'running', 'succeeded', 'failed', 'interrupted', 'cancelled'];

export function Jobs() {
  const { t, who } = useSession();
  const [filter, setFilter] = useState<JobFilter>({});
  const { jobs, live } = useJobs(filter);
  const set = (key: keyof JobFilter) => (event: { currentTarget: HTMLInputElement | HTMLSelectElement }) =>
    setFilter((previous) => ({ ...previous, [key]: event.currentTarget.value.trim() || undefined }));
  return (
    <div class="page">
      <h1>{t('nav.jobs')} <Live live={live} /></h1>
      <form class="filters" onSubmit={(event) => event.preventDefault()}>
        <label>{t('jobs.scenario')} <input name="scenario" onChange={set('scenario')} /></label>
        <label>
          {t('jobs.status')}{' '}
          <select name="status" onChange={set('status')}>
            <option value="">{t('jobs.all')}</option>
            {STATUSES.map((status) => <option key={status} value={status}>{status}</option>)}
          </select>
        </label>
        {(who.admin || !who.auth) && <label>{t('jobs.caller')} <input name="caller" onChange={set('caller')} /></label>}
        <label>{t('jobs.backend')} <input name="backend" onChange={set('backend')} /></label>
      </form>
      <JobTable jobs={jobs} />
    </div>
  );
}
