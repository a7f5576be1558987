// One job: its timeline (submitted, dispatched, started, each node, finished), progress, outputs, error, cancel.
import { useCallback, useState } from 'preact/hooks';
import { api } from '../api';
import { Outputs } from '../components/outputs';
import { Badge, ProgressBar, Time } from '../components/status';
import { useSession } from '../context';
import type { Job } from '../types';
import { useFollowedJob } from './try-it';

interface NodeStep {
  node: string;
  at: string;
}

export function JobPage({ id }: { id: string }) {
  const { t } = useSession();
  const [nodes, setNodes] = useState<NodeStep[]>([]);
  const [cancelError, setCancelError] = useState<string | null>(null);
  const onEvent = useCallback((name: string, data: unknown) => {
    const node = (data as { node?: string | null }).node;
    if (name === 'executing' && node) setNodes((previous) => [...previous, { node, at: new Date().toISOString() }]);
  }, []);
  const job = useFollowedJob(id, onEvent);
  if (!job) return <p class="muted">{t('common.loading')}</p>;
  const open = job.status === 'queued' || job.status === 'running';
  return (
    <div class="page job-page" data-job={job.prompt_id} data-status={job.status}>
      <h1 class="mono">{job.prompt_id} <Badge value={job.status} /></h1>
      <p>{[job.scenario, job.caller, job.queue_position !== null ? `${t('job.queue_position')} ${job.queue_position}` : null].filter(Boolean).join(' · ')}</p>
      {open && <ProgressBar percent={job.progress?.percent ?? 0} />}
      {open && job.progress && (
        <p class="small muted">{t('job.node')} {job.progress.node ?? '—'}: {job.progress.value} / {job.progress.max} ({job.progress.percent}%)</p>
      )}
      {open && (
        <button type="button" class="danger" onClick={() => api.cancel(job.prompt_id).catch((e: unknown) => setCancelError((e as Error).message))}>
          {t('job.cancel')}
        </button>
      )}
      {cancelError && <p class="error">{cancelError}</p>}
      <h2>{t('job.timeline')}</h2>
      <Timeline job={job} nodes={nodes} />
      {job.error && (<><h2>{t('job.error')}</h2><pre class="problem problem-error">{job.error.type}: {job.error.message}{job.error.node ? ` (${t('job.node')} ${job.error.node})` : ''}</pre></>)}
      {job.outputs.length > 0 && (<><h2>{t('job.outputs')}</h2><Outputs outputs={job.outputs} /></>)}
    </div>
  );
}

function Timeline({ job, nodes }: { job: Job; nodes: NodeStep[] }) {
  const { t } = useSession();
  return (
    <ol class="timeline">
      <li><Time iso={job.submitted_at} /> {t('job.submitted')}</li>
      {job.backend && <li>{t('job.dispatched')} <b>{job.backend}</b>{job.attempts ? ` (${t('job.attempts')}: ${job.attempts})` : ''}</li>}
      {job.started_at && <li><Time iso={job.started_at} /> {t('job.started')}</li>}
      {nodes.map((step, index) => <li key={index}><Time iso={step.at} /> {t('job.node')} {step.node}</li>)}
      {job.finished_at && <li><Time iso={job.finished_at} /> {t('job.finished')}: <Badge value={job.status} /></li>}
    </ol>
  );
}
