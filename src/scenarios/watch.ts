// Hot reload: one fs.watch per folder (scenarios/, templates/), debounced, handing the changed paths to the registry.
// Editors save in odd ways (write a temp file then rename, truncate then write, several writes in a burst); every
// write is an event that restarts the quiet period, and the registry reads the disk as it is once it is quiet (a
// file still changing while it is read is retried), so every pattern converges on the final content.
//
// Not chokidar: its directory watcher re-lists the whole folder and lstat()s every entry on each event inside it
// (twice per save, as a throttled re-run), about 35 ms of work per edit with 1,000 manifests, so the cost of an
// edit grew with the number of scenarios. The folder's own events already name the file that changed.
import { mkdirSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log.js';
import type { ScenarioRegistry } from './registry.js';

export interface WatchOptions {
  folders: string[];
  registry: ScenarioRegistry;
  debounceMs: number;
  log: Logger;
}

export interface ScenarioWatcher {
  /** Resolves once changes are being reported. */
  ready: Promise<void>;
  close(): Promise<void>;
}

const RELEVANT = /\.(ya?ml|json)$/;
/** A file that never stops changing still gets read (and then retried by the registry) after this many quiet periods. */
const MAX_WAIT_PERIODS = 20;

export function watchScenarios(options: WatchOptions): ScenarioWatcher {
  const log = options.log.child({ component: 'scenario-watch' });
  const pending = new Set<string>();
  let rescan = false;
  let timer: NodeJS.Timeout | undefined;
  let firstPendingAt = 0;
  let closed = false;

  const flush = () => {
    timer = undefined;
    const files = [...pending];
    pending.clear();
    if (rescan) {
      rescan = false;
      void options.registry.load();
    } else {
      void options.registry.update(files);
    }
  };

  const changed = () => {
    const now = performance.now();
    if (!timer) firstPendingAt = now;
    else clearTimeout(timer);
    const waited = now - firstPendingAt;
    timer = setTimeout(flush, waited >= options.debounceMs * MAX_WAIT_PERIODS ? 0 : options.debounceMs);
  };

  const watchers: FSWatcher[] = [];
  for (const folder of options.folders) {
    // A folder that does not exist yet cannot be watched; an empty one is what a new deployment starts from.
    mkdirSync(folder, { recursive: true });
    const watcher = watch(folder, { persistent: true }, (event, name) => {
      if (closed) return;
      if (name === null) {
        // Some platforms may not say which file changed: re-list both folders (the registry re-reads them all).
        log.debug({ event, folder }, 'scenario folder event without a file name');
        rescan = true;
        changed();
        return;
      }
      // Dot files and editor droppings (.foo.yaml.swp, foo.yaml~, 4913) never reach the registry.
      if (name.startsWith('.') || !RELEVANT.test(name) || path.basename(name) !== name) return;
      log.debug({ event, file: name, folder }, 'scenario file event');
      pending.add(path.resolve(folder, name));
      changed();
    });
    watcher.on('error', (error) => log.warn({ err: error, folder }, 'watching the scenario folder failed'));
    watchers.push(watcher);
  }

  return {
    ready: Promise.resolve(),
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      for (const watcher of watchers) watcher.close();
    },
  };
}
