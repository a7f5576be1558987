// Each backend in full (admin): health, queue, node count, models; drain and resume for admin keys.
import { useState } from 'preact/hooks';
import { api } from '../api';
import { BackendCard } from '../components/backend-card';
import { Live } from '../components/status';
import { useSession } from '../context';
import { useBackends } from '../hooks/use-backends';
import type { Backend } from '../types';

export function Backends() {
  const { t, who } = useSession();
  const { data, error, live, history, update } = useBackends();
  const [failure, setFailure] = useState<string | null>(null);
  const toggle = (backend: Backend) => {
    setFailure(null);
    (backend.draining ? api.resume(backend.name) : api.drain(backend.name)).then(update, (e: unknown) => setFailure((e as Error).message));
  };
  return (
    <div class="page">
      <h1>{t('nav.backends')} {data?.pool && <Live live={live} />}</h1>
      {(error ?? failure) && <p class="error">{error ?? failure}</p>}
      {data && !data.pool && <p class="muted">{t('backend.single')}</p>}
      <div class="cards">
        {data?.backends.map((backend) => (
          <BackendCard key={backend.name} backend={backend} details history={history.get(backend.name)} onToggle={data.pool && who.admin ? toggle : undefined} />
        ))}
      </div>
    </div>
  );
}
