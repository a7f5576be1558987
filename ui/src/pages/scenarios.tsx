// Every manifest: its status, version, and what is wrong with it (file:line) when it failed.
import { api } from '../api';
import { Link } from '../components/link';
import { Badge } from '../components/status';
import { useSession } from '../context';
import { useLoad } from '../hooks/use-load';
import type { ScenarioStatus } from '../types';

export function Problems({ status }: { status: Pick<ScenarioStatus, 'errors' | 'warnings' | 'serving_version'> }) {
  const { t } = useSession();
  return (
    <>
      {status.errors.map((text) => <pre key={text} class="problem problem-error">{text}</pre>)}
      {status.warnings.map((text) => <pre key={text} class="problem problem-warning">{text}</pre>)}
      {status.serving_version !== null && status.errors.length > 0 && (
        <p class="small">{t('scenario.serving')}: v{status.serving_version}</p>
      )}
    </>
  );
}

export function Scenarios() {
  const { t, who } = useSession();
  const { data, error } = useLoad(() => api.scenarios(), []);
  if (error) return <p class="error">{error}</p>;
  if (!data) return <p class="muted">{t('common.loading')}</p>;
  return (
    <div class="page">
      <h1>{t('nav.scenarios')}</h1>
      <table class="table scenarios">
        <thead>
          <tr><th>{t('jobs.scenario')}</th><th>{t('scenario.status')}</th><th>{t('scenario.version')}</th><th>{t('scenario.file')}</th><th /></tr>
        </thead>
        <tbody>
          {data.scenarios.map((scenario) => (
            <tr key={scenario.file} data-scenario={scenario.name} data-status={scenario.status}>
              <td><Link to={`/scenarios/${encodeURIComponent(scenario.name)}`}>{scenario.name}</Link><div class="muted small">{scenario.summary}</div></td>
              <td>
                <Badge value={scenario.status} />
                {who.scenarios && !who.scenarios.includes(scenario.name) && <div class="muted small">{t('scenario.not_yours')}</div>}
              </td>
              <td>{scenario.version ?? scenario.serving_version ?? '—'}</td>
              <td class="mono small">{scenario.file}</td>
              <td><Problems status={scenario} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
