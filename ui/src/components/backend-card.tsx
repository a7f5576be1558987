// One backend: up or down, its load, its device, its models, and (admin) drain / resume.
import { useSession } from '../context';
import type { Backend } from '../types';
import { Badge } from './status';

const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;

export function BackendCard({ backend, details, onToggle }: { backend: Backend; details?: boolean; onToggle?: (backend: Backend) => void }) {
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
        <dt>{t('backend.running')}</dt><dd>{backend.running}</dd>
        <dt>{t('backend.waiting')}</dt><dd>{backend.waiting}</dd>
        <dt>{t('backend.slots')}</dt><dd>{backend.slots}</dd>
        <dt>{t('backend.device')}</dt>
        <dd>{backend.device ? `${backend.device.name} · ${gib(backend.device.vram_free)} / ${gib(backend.device.vram_total)}` : '—'}</dd>
        {details && <><dt>{t('backend.nodes')}</dt><dd>{backend.nodes ?? '—'}</dd></>}
      </dl>
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
