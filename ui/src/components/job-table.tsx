// Jobs as rows: status, scenario, caller, backend, progress, submit time.
import { useSession } from '../context';
import type { Job } from '../types';
import { Link } from './link';
import { Badge, ProgressBar, Time } from './status';

export function JobTable({ jobs }: { jobs: Job[] }) {
  const { t } = useSession();
  if (!jobs.length) return <p class="muted">{t('jobs.empty')}</p>;
  return (
    <table class="table jobs">
      <thead>
        <tr>
          <th>ID</th>
          <th>{t('jobs.status')}</th>
          <th>{t('jobs.scenario')}</th>
          <th>{t('jobs.caller')}</th>
          <th>{t('jobs.backend')}</th>
          <th>{t('jobs.progress')}</th>
          <th>{t('jobs.submitted')}</th>
        </tr>
      </thead>
      <tbody>
        {jobs.map((job) => (
          <tr key={job.prompt_id} data-job={job.prompt_id} data-status={job.status}>
            <td class="mono"><Link to={`/jobs/${job.prompt_id}`}>{job.prompt_id.slice(0, 8)}</Link></td>
            <td><Badge value={job.status} /></td>
            <td>{job.scenario ?? '—'}</td>
            <td>{job.caller ?? '—'}</td>
            <td>{job.backend ?? '—'}</td>
            <td class="progress-cell">
              {job.status === 'running' && <ProgressBar percent={job.progress?.percent ?? 0} />}
              {job.status === 'succeeded' && <ProgressBar percent={100} />}
            </td>
            <td><Time iso={job.submitted_at} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
