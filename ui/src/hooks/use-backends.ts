// The backends' health and load: live from the pool's stream (admin keys), which sends a new reading whenever a job
// or a backend's health changes. A key that may not read the pool sees what the public /health tells; nothing
// streams that, so it is read again every few seconds. Each reading is also a point of a backend's health history.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, streams } from '../api';
import type { Backends } from '../types';

const HEALTH_REFRESH_MS = 3_000;
const HISTORY = 40;

export interface HealthPoint {
  at: number;
  up: boolean;
}

export interface BackendsState {
  data: Backends | null;
  error: string | null;
  live: boolean;
  /** Health readings by backend name, oldest first. */
  history: ReadonlyMap<string, readonly HealthPoint[]>;
  /** Takes a backend's new state (a drain or resume answer) before the next reading. */
  update: (backend: Backends['backends'][number]) => void;
}

export function useBackends(): BackendsState {
  const [data, setData] = useState<Backends | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState(false);
  const history = useRef(new Map<string, HealthPoint[]>());

  const take = useCallback((value: Backends) => {
    const at = Date.now();
    for (const backend of value.backends) {
      const points = [...(history.current.get(backend.name) ?? []), { at, up: backend.up }];
      history.current.set(backend.name, points.slice(-HISTORY));
    }
    setData(value);
    setError(null);
  }, []);

  useEffect(() => {
    let timer: ReturnType<typeof setInterval> | undefined;
    const readHealth = () => api.healthBackends().then(take, (failure: unknown) => setError((failure as Error).message));
    const stop = streams.backends({
      onConnection: setLive,
      onEvent: (name, value) => name === 'backends' && take({ ...(value as Omit<Backends, 'pool'>), pool: true }),
      onRefused: () => {
        void readHealth();
        timer = setInterval(() => void readHealth(), HEALTH_REFRESH_MS);
      },
    });
    return () => {
      stop();
      clearInterval(timer);
    };
  }, [take]);

  const update = useCallback((backend: Backends['backends'][number]) => {
    setData((previous) => previous && { ...previous, backends: previous.backends.map((b) => (b.name === backend.name ? backend : b)) });
  }, []);
  return { data, error, live, history: history.current, update };
}
