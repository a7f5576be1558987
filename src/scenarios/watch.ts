// Hot reload: chokidar on scenarios/ and templates/, debounced, handing the changed paths to the registry.
// Editors save in odd ways (write a temp file then rename, truncate then write, several writes in a burst); the
// registry reads the disk as it is after the quiet period, so every pattern converges on the final content.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Logger } from '../log.js';
import type { ScenarioRegistry } from './registry.js';

export interface WatchOptions {
  folders: string[];
  registry: ScenarioRegistry;
  debounceMs: number;
  log: Logger;
}

export interface ScenarioWatcher {
  /** Resolves once the initial scan is done and changes are being reported. */
  ready: Promise<void>;
  close(): Promise<void>;
}

const RELEVANT = /\.(ya?ml|json)$/;

export function watchScenarios(options: WatchOptions): ScenarioWatcher {
  const log = options.log.child({ component: 'scenario-watch' });
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  // A folder that does not exist yet cannot be watched; an empty one is what a new deployment starts from.
  for (const folder of options.folders) mkdirSync(folder, { recursive: true });

  const watcher: FSWatcher = watch(options.folders, {
    ignoreInitial: true,
    depth: 0,
    // Dot files and editor droppings (.foo.yaml.swp, foo.yaml~, 4913) never reach the registry.
    ignored: (file, stats) => path.basename(file).startsWith('.') || (stats?.isFile() === true && !RELEVANT.test(file)),
    // Wait until a file's size stops changing before reporting it: a slow, chunked write is seen once, whole.
    awaitWriteFinish: { stabilityThreshold: Math.max(20, options.debounceMs), pollInterval: 10 },
  });

  const flush = () => {
    timer = undefined;
    const files = [...pending];
    pending.clear();
    void options.registry.update(files);
  };

  watcher.on('all', (event, file) => {
    if (!RELEVANT.test(file)) return;
    log.debug({ event, file }, 'scenario file event');
    pending.add(path.resolve(file));
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, options.debounceMs);
  });
  watcher.on('error', (error) => log.warn({ err: error }, 'watching the scenario folders failed'));

  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    ready,
    async close() {
      if (timer) clearTimeout(timer);
      await watcher.close();
    },
  };
}
