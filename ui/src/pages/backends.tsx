// Each backend in full (admin): health, queue, node count, models; drain and resume for admin keys.
import { api } from '../api';
import { BackendCard } from '../components/backend-card';
import { useSession } from '../context';
import { useBackends } from '../hooks/use-backends';
import type { Backend } from '../types';

export function Backends() {
  const { t, who } = useSession();
  const { data, error, history, reload } = useBackends();
  const toggle = (backend: Backend) => {
    void (backend.draining ? api.resume(backend.name) : api.drain(backend.name)).then(reload, reload);
  };
  return (
    <div class="page">
      <h1>{t('nav.backends')}</h1>
      {error && <p class="error">{error}</p>}
      {data && !data.pool && <p class="muted">{t('backend.single')}</p>}
      {data?.pool && !who.admin && <p class="muted">{t('backend.admin_only')}</p>}
      <div class="cards">
        {data?.backends.map((backend) => (
          <BackendCard key={backend.name} backend={backend} details history={history.get(backend.name)} onToggle={data.pool && who.admin ? toggle : undefined} />
        ))}
      </div>
    </div>
  );
}
