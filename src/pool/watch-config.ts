// gateway.yaml reloaded while the gateway runs: only the backend list is taken over (a backend added, re-weighted
// or removed, a removed one draining first). The whole file is read and validated again, so a bad edit is logged
// and the pool stays as it was; other settings that changed are named in the log as needing a restart.
import { watchDebounced, type DebouncedWatcher } from '../watch/debounced-watch.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { GatewayPool } from './start-pool.js';

export interface ConfigSource {
  /** The file to watch (gateway.yaml, or GATEWAY_CONFIG). */
  file: string;
  /** Reads and validates the configuration again, exactly as at start-up; throws on a bad file. */
  load(): Config;
}

export type ConfigWatcher = DebouncedWatcher;

export function watchConfig(deps: {
  source: ConfigSource;
  running: Config;
  pool: Pick<GatewayPool, 'reload'>;
  log: Logger;
  debounceMs?: number;
}): ConfigWatcher {
  const log = deps.log.child({ component: 'config-watch' });
  function apply(): void {
    let next: Config;
    try {
      next = deps.source.load();
    } catch (error) {
      log.error({ file: deps.source.file, reason: error instanceof Error ? error.message : String(error) }, 'gateway.yaml not applied: the pool stays as it was');
      return;
    }
    try {
      const change = deps.pool.reload(next);
      log.info(
        { added: change.added.map((b) => b.name), removed: change.removed.map((b) => b.name), moved: change.moved },
        'backend list reloaded',
      );
      if (change.moved.length) log.warn({ backends: change.moved }, 'a backend listed under a new URL needs a new name or a restart');
    } catch (error) {
      log.error({ reason: error instanceof Error ? error.message : String(error) }, 'backend list not applied: the pool stays as it was');
      return;
    }
    const restartNeeded = changedKeys(deps.running, next);
    if (restartNeeded.length) log.warn({ keys: restartNeeded }, 'these settings changed and take effect after a restart');
  }

  return watchDebounced(deps.source.file, {
    debounceMs: deps.debounceMs ?? 50,
    settle: apply,
    onError: (error) => log.warn({ err: error }, 'watching the configuration file failed'),
  });
}

/** Top-level sections (comfyui: its keys) that differ, the backend list and the single URL aside. */
function changedKeys(running: Config, next: Config): string[] {
  const keys: string[] = [];
  for (const section of Object.keys(next) as (keyof Config)[]) {
    if (section === 'comfyui') {
      for (const key of Object.keys(next.comfyui) as (keyof Config['comfyui'])[]) {
        if (key === 'backends' || key === 'url') continue;
        if (JSON.stringify(running.comfyui[key]) !== JSON.stringify(next.comfyui[key])) keys.push(`comfyui.${key}`);
      }
    } else if (JSON.stringify(running[section]) !== JSON.stringify(next[section])) {
      keys.push(section);
    }
  }
  return keys;
}
