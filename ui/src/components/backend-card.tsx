// One backend: up or down, its load, its device, its models, and (admin) drain / resume.
import { useSession } from '../context';
import type { HealthPoint } from '../hooks/use-backends';
import type { Backend } from '../types';
import { Badge } from './status';

const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;

interface Props {
  backend: Backend;
  /** Node count and models (the backends page). */
  details?: boolean;
  /** Health readings, oldest first. */
  history?: readonly HealthPoint[];
  /** Drain or resume (admin keys, with a backend pool). */
  onToggle?: (backend: Backend) => void;
}

export function BackendCard({ backend, details, history, onToggle }: Props) {
  const { t } = useSession();
  const state = !backend.up ? 'down' : backend.draining ? 'draining' : 'up';
  return (
    <section class="card backend" data-backend={backend.name} data-state={state}>
      <header class="card-head">
        <strong>{backend.name}</strong>
        <Badge value={t(`backend.${state}`)} tone={state} />
      </header>
      <div class="muted mono small">{backend.url}</div>
      <dl class="facts">
        <dt>{t('backend.running')}</dt><dd>{backend.running ?? '—'}</dd>
        <dt>{t('backend.waiting')}</dt><dd>{backend.waiting ?? '—'}</dd>
        <dt>{t('backend.slots')}</dt><dd>{backend.slots ?? '—'}</dd>
        <dt>{t('backend.device')}</dt>
        <dd>{backend.device ? `${backend.device.name} · ${gib(backend.device.vram_free)} / ${gib(backend.device.vram_total)}` : '—'}</dd>
        {details && <><dt>{t('backend.nodes')}</dt><dd>{backend.nodes ?? '—'}</dd></>}
      </dl>
      {history && history.length > 0 && (
        <div class="health" aria-label="health history">
          {history.map((point) => (
            <span key={point.at} class={point.up ? 'health-up' : 'health-down'} title={new Date(point.at).toLocaleTimeString()} />
          ))}
        </div>
      )}
      {backend.last_error && <p class="error small">{t('backend.last_error')}: {backend.last_error}</p>}
      {details && backend.models && (
        <details>
          <summary>{t('backend.models')}</summary>
          {Object.entries(backend.models).map(([folder, names]) => (
            <p key={folder} class="small"><b>{folder}</b>: {names.join(', ') || '—'}</p>
          ))}
        </details>
      )}
      {onToggle && (
        <button type="button" onClick={() => onToggle(backend)}>{backend.draining ? t('backend.resume') : t('backend.drain')}</button>
      )}
    </section>
  );
}
