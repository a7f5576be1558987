// The backends' health and load. The gateway has no stream of backend state, so this one number set is read
// again every few seconds while a page shows it (job changes arrive on the jobs stream, not here).
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import type { Backends } from '../types';

const REFRESH_MS = 3_000;

export function useBackends(): { data: Backends | null; error: string | null; reload: () => void } {
  const [data, setData] = useState<Backends | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(() => {
    api.backends().then(
      (value) => {
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
  return { data, error, reload };
}
