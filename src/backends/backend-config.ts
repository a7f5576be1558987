// The pool as configured: comfyui.backends (or COMFYUI_URLS, which fills it), else the single comfyui.url as a pool
// of one, so a gateway.yaml written for one ComfyUI keeps working unchanged. Pure: start-up and every reload of
// gateway.yaml call it on the new Config, and a refused list leaves the running pool as it was.
import { ConfigError, type Config } from '../config.js';

export interface BackendSpec {
  name: string;
  /** Without a trailing slash. */
  url: string;
  slots: number;
  weight: number;
  labels: readonly string[];
}

const DEFAULT_SLOTS = 2;
const DEFAULT_WEIGHT = 1;

/** host:port, with the scheme's port spelled out so "http://a" and "http://a:80" get the same name. */
export function defaultBackendName(url: string): string {
  const parsed = new URL(url);
  const port = parsed.port || (parsed.protocol === 'https:' ? '443' : '80');
  return `${parsed.hostname}:${port}`;
}

export function resolveBackends(config: Pick<Config, 'comfyui'>): BackendSpec[] {
  const { backends, url } = config.comfyui;
  const specs: BackendSpec[] = backends.length
    ? backends.map((entry) => ({
        name: entry.name ?? defaultBackendName(entry.url),
        url: entry.url.replace(/\/+$/, ''),
        slots: entry.slots,
        weight: entry.weight,
        labels: [...entry.labels],
      }))
    : [{ name: defaultBackendName(url), url: url.replace(/\/+$/, ''), slots: DEFAULT_SLOTS, weight: DEFAULT_WEIGHT, labels: [] }];
  refuseDuplicates(specs, 'name', 'give each entry its own name');
  // Two entries for one server would double its slots and let the pool send it twice what it can hold.
  refuseDuplicates(specs, 'url', 'list each server once and raise its slots instead');
  return specs;
}

function refuseDuplicates(specs: readonly BackendSpec[], key: 'name' | 'url', fix: string): void {
  const seen = new Map<string, number>();
  specs.forEach((spec, index) => {
    const first = seen.get(spec[key]);
    if (first !== undefined) {
      throw new ConfigError(
        `config: comfyui.backends.${first} and comfyui.backends.${index} have the same ${key} "${spec[key]}"; ${fix}`,
      );
    }
    seen.set(spec[key], index);
  });
}
