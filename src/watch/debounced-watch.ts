// One file watcher shape for everything the gateway reloads (scenario folders, gateway.yaml): chokidar with the
// initial scan skipped, a write reported once it is whole, and a quiet period before acting, so an editor's burst
// of saves (temp file + rename, truncate + write) is acted on once, on the final content.
import { watch, type FSWatcher } from 'chokidar';

export interface DebouncedWatcher {
  /** Resolves once the initial scan is done and changes are being reported. */
  ready: Promise<void>;
  close(): Promise<void>;
}

export interface DebouncedWatchOptions {
  debounceMs: number;
  depth?: number;
  ignored?: (file: string, stats?: { isFile(): boolean }) => boolean;
  /** Each event as it comes; false drops it (it does not start the quiet period). */
  onEvent?: (event: string, file: string) => boolean;
  /** After the quiet period that followed one or more events. */
  settle: () => void;
  onError: (error: unknown) => void;
}

export function watchDebounced(paths: string | string[], options: DebouncedWatchOptions): DebouncedWatcher {
  let timer: NodeJS.Timeout | undefined;
  const watcher: FSWatcher = watch(paths, {
    ignoreInitial: true,
    ...(options.depth !== undefined ? { depth: options.depth } : {}),
    ...(options.ignored ? { ignored: options.ignored } : {}),
    // Wait until a file's size stops changing before reporting it: a slow, chunked write is seen once, whole.
    awaitWriteFinish: { stabilityThreshold: Math.max(20, options.debounceMs), pollInterval: 10 },
  });
  watcher.on('all', (event, file) => {
    if (options.onEvent && !options.onEvent(event, file)) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      options.settle();
    }, options.debounceMs);
  });
  watcher.on('error', options.onError);
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    ready,
    async close() {
      if (timer) clearTimeout(timer);
      await watcher.close();
    },
  };
}
