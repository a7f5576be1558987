// One scenario: its status and problems, its fields with their rules, and the try-it form.
import { api } from '../api';
import { Badge } from '../components/status';
import { useSession } from '../context';
import { rulesOf } from '../form/field-input';
import { useLoad } from '../hooks/use-load';
import { Problems } from './scenarios';
import { TryIt } from './try-it';

export function ScenarioPage({ name }: { name: string }) {
  const { t, who } = useSession();
  const { data, error } = useLoad(() => api.scenario(name), [name]);
  if (error) return <p class="error">{error}</p>;
  if (!data) return <p class="muted">{t('common.loading')}</p>;
  return (
    <div class="page">
      <h1>{data.name} {data.status && <Badge value={data.status} />}</h1>
      {data.summary && <p>{data.summary}</p>}
      {data.description && <p class="muted">{data.description}</p>}
      <p class="small mono">{data.file} · v{data.version ?? data.serving_version ?? '—'}</p>
      {data.errors && <Problems status={{ errors: data.errors, warnings: data.warnings ?? [], serving_version: data.serving_version ?? null }} />}
      {data.fields && (
        <>
          <h2>{t('scenario.fields')}</h2>
          <table class="table fields">
            <thead><tr><th /><th>{t('scenario.rules')}</th><th>{t('scenario.to')}</th></tr></thead>
            <tbody>
              {data.fields.map((field) => (
                <tr key={field.name}>
                  <td><b>{field.name}</b>{field.required && <span class="required">*</span>}<div class="muted small">{field.schema.description}</div></td>
                  <td class="small">{rulesOf(field.schema)}</td>
                  <td class="mono small">{field.to.join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h2>{t('scenario.try')}</h2>
      {!data.schema ? (
        <p class="muted">{t('scenario.not_served')}</p>
      ) : who.scenarios && !who.scenarios.includes(data.name) ? (
        <p class="muted">{t('scenario.not_yours')}</p>
      ) : (
        <TryIt name={data.name} schema={data.schema} />
      )}
    </div>
  );
}
