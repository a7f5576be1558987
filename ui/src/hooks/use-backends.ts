// The backends' health and load. The gateway has no stream of backend state, so this one set of numbers is read
// again every few seconds while a page shows it (jobs arrive on the jobs stream, not here). Each reading is also
// kept as a point of the backend's health history (up or down), the last HISTORY of them.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api';
import type { Backends } from '../types';

const REFRESH_MS = 3_000;
const HISTORY = 40;

export interface HealthPoint {
  at: number;
  up: boolean;
}

export interface BackendsState {
  data: Backends | null;
  error: string | null;
  /** Health readings by backend name, oldest first. */
  history: ReadonlyMap<string, readonly HealthPoint[]>;
  reload: () => void;
}

export function useBackends(): BackendsState {
  const [data, setData] = useState<Backends | null>(null);
  const [error, setError] = useState<string | null>(null);
  const history = useRef(new Map<string, HealthPoint[]>());
  const reload = useCallback(() => {
    api.backends().then(
      (value) => {
        const at = Date.now();
        for (const backend of value.backends) {
          const points = [...(history.current.get(backend.name) ?? []), { at, up: backend.up }];
          history.current.set(backend.name, points.slice(-HISTORY));
        }
        setData(value);
        setError(null);
      },
      (failure: unknown) => setError(String((failure as Error).message ?? failure)),
    );
  }, []);
  useEffect(() => {
    reload();
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  return { data, error, history: history.current, reload };
}
