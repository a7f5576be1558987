// Hot reload: chokidar on scenarios/ and templates/, debounced, handing the changed paths to the registry.
// Editors save in odd ways (write a temp file then rename, truncate then write, several writes in a burst); the
// registry reads the disk as it is after the quiet period, so every pattern converges on the final content.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { watchDebounced, type DebouncedWatcher } from '../watch/debounced-watch.js';
import type { Logger } from '../log.js';
import type { ScenarioRegistry } from './registry.js';

export interface WatchOptions {
  folders: string[];
  registry: ScenarioRegistry;
  debounceMs: number;
  log: Logger;
}

export type ScenarioWatcher = DebouncedWatcher;

const RELEVANT = /\.(ya?ml|json)$/;

export function watchScenarios(options: WatchOptions): ScenarioWatcher {
  const log = options.log.child({ component: 'scenario-watch' });
  const pending = new Set<string>();
  // A folder that does not exist yet cannot be watched; an empty one is what a new deployment starts from.
  for (const folder of options.folders) mkdirSync(folder, { recursive: true });

  return watchDebounced(options.folders, {
    depth: 0,
    debounceMs: options.debounceMs,
    // Dot files and editor droppings (.foo.yaml.swp, foo.yaml~, 4913) never reach the registry.
    ignored: (file, stats) => path.basename(file).startsWith('.') || (stats?.isFile() === true && !RELEVANT.test(file)),
    onEvent(event, file) {
      if (!RELEVANT.test(file)) return false;
      log.debug({ event, file }, 'scenario file event');
      pending.add(path.resolve(file));
      return true;
    },
    settle() {
      const files = [...pending];
      pending.clear();
      void options.registry.update(files);
    },
    onError: (error) => log.warn({ err: error }, 'watching the scenario folders failed'),
  });
}
