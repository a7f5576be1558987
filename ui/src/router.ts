// Client-side routes below /ui: the gateway answers the same page for each of them, and this module keeps the
// address bar and the shown page in step (history API, no hash).
import { useEffect, useState } from 'preact/hooks';

export const BASE = '/ui';
const listeners = new Set<() => void>();

function current(): string {
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : '/';
  return path === '' ? '/' : path;
}

export function navigate(path: string): void {
  history.pushState(null, '', BASE + path);
  for (const listener of listeners) listener();
}

/** The path below /ui (`/`, `/jobs`, `/jobs/<id>` …), re-rendering on navigation. */
export function usePath(): string {
  const [path, setPath] = useState(current);
  useEffect(() => {
    const update = () => setPath(current());
    listeners.add(update);
    addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      removeEventListener('popstate', update);
    };
  }, []);
  return path;
}
