// Submits the generated form, then follows the job's own event stream: progress while it runs, outputs at the end.
import { useEffect, useState } from 'preact/hooks';
import { api, streams } from '../api';
import { Link } from '../components/link';
import { Outputs } from '../components/outputs';
import { Badge, ProgressBar } from '../components/status';
import { useSession } from '../context';
import { SchemaForm } from '../form/schema-form';
import type { Job, JsonSchema } from '../types';

export function TryIt({ name, schema }: { name: string; schema: JsonSchema }) {
  const { t } = useSession();
  const [promptId, setPromptId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const job = useFollowedJob(promptId);
  return (
    <div class="try-it">
      <SchemaForm
        schema={schema}
        busy={busy}
        onSubmit={(form) => {
          setBusy(true);
          setError(null);
          api.runScenario(name, form).then(
            (answer) => setPromptId(answer.prompt_id),
            (failure: unknown) => setError((failure as Error).message),
          ).finally(() => setBusy(false));
        }}
      />
      {error && <p class="error" role="alert">{error}</p>}
      {promptId && (
        <div class="try-result" data-job={promptId}>
          <p>{t('scenario.running')}: <Link to={`/jobs/${promptId}`}>{promptId}</Link> {job && <Badge value={job.status} />}</p>
          {job && <ProgressBar percent={job.status === 'succeeded' ? 100 : (job.progress?.percent ?? 0)} />}
          {job?.error && <pre class="problem problem-error">{job.error.message}</pre>}
          {job && <Outputs outputs={job.outputs} />}
        </div>
      )}
    </div>
  );
}

/** The job document, kept current from its SSE stream (`state`, progress events, `end`). */
export function useFollowedJob(promptId: string | null, onEvent?: (name: string, data: unknown) => void): Job | null {
  const [job, setJob] = useState<Job | null>(null);
  useEffect(() => {
    setJob(null);
    if (!promptId) return;
    return streams.job(promptId, {
      onEvent(name, data) {
        onEvent?.(name, data);
        if (name === 'state' || name === 'end') setJob(data as Job);
        else if (name === 'progress') {
          const { value, max, node } = data as { value: number; max: number; node: string | null };
          setJob((previous) => previous && {
            ...previous,
            status: 'running',
            progress: { value, max, node, percent: max > 0 ? Math.round((value / max) * 100) : 0 },
          });
        } else if (name === 'execution_start') setJob((previous) => previous && { ...previous, status: 'running' });
      },
    });
  }, [promptId]);
  // Until the new job's state arrives, the previous job's is not shown under the new id.
  return job && job.prompt_id === promptId ? job : null;
}
