// The registry: immutable snapshots of every scenario, rebuilt beside the current one and swapped in one
// assignment. A reload re-reads only the files that changed (and the manifests whose workflow changed); a broken
// manifest keeps its last good version serving; reloads run one at a time, later requests coalescing.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ObjectInfo } from '../comfy/types.js';
import type { Logger } from '../log.js';
import { translator, type Locale } from '../i18n.js';
import { checkObjectInfo } from './check-object-info.js';
import { createScenarioCompiler } from './compile-scenario.js';
import { loadFile, type FileLoaderDeps } from './load-file.js';
import { createManifestParser } from './load-manifest.js';
import type { WorkflowLimits } from './resolve-workflow.js';
import { createSnapshotBuilder, type Entry } from './snapshot-builder.js';
import type { Snapshot } from './types.js';
import { createReverseIndex } from './reverse-index.js';
import { readRegularFile, type RegularFileRead } from './read-regular-file.js';

export interface RegistryOptions {
  scenariosDir: string;
  templatesDir: string;
  limits: { workflowNodes: number; workflowDepth: number };
  log: Logger;
  /** The success message of a manifest that has none. */
  defaultMessage: string;
  /** The language of every problem message (statuses, the log, npm run check): the config's locale. */
  locale: Locale;
  /** How to ask a live ComfyUI for /object_info (optional: without it, no warnings of that kind). */
  objectInfo?: () => Promise<ObjectInfo>;
  /** How long to wait before re-reading a file that changed while it was read. */
  retryDelayMs?: number;
  /** Told after every reload (metrics): ok is false when a manifest it touched failed, or the reload itself. */
  onReloaded?: (ok: boolean) => void;
}

export interface ScenarioRegistry {
  current(): Snapshot;
  /** Called after every swap with the new snapshot; returns a function that unsubscribes. */
  onChange(listener: (snapshot: Snapshot) => void): () => void;
  /** Reads both folders from scratch (start-up, or an explicit refresh). */
  load(): Promise<Snapshot>;
  /** Files that were added, changed or removed (manifests or workflows): re-reads them and what depends on them. */
  update(files: Iterable<string>): Promise<Snapshot>;
  /** Fetches /object_info once and re-checks every scenario against it. False when ComfyUI did not answer. */
  checkAgainstComfy(): Promise<boolean>;
  /** Resolves when no reload is running or queued. */
  idle(): Promise<void>;
  close(): void;
}

const MANIFEST = /^[^.].*\.ya?ml$/;

export function createRegistry(options: RegistryOptions): ScenarioRegistry {
  const log = options.log.child({ component: 'scenarios' });
  const t = translator(options.locale);
  const compiler = createScenarioCompiler(t);
  const limits: WorkflowLimits = {
    maxBytes: 8 * 1024 * 1024,
    maxNodes: options.limits.workflowNodes,
    maxDepth: options.limits.workflowDepth,
  };
  // Shared templates are read once per change, not once per manifest using them.
  const workflowCache = new Map<string, Promise<RegularFileRead>>();
  const loaderDeps: FileLoaderDeps = {
    scenariosDir: options.scenariosDir,
    templatesDir: options.templatesDir,
    limits,
    parse: createManifestParser(t),
    compiler,
    defaultMessage: options.defaultMessage,
    t,
    display,
    readWorkflow(file, folder) {
      let cached = workflowCache.get(file);
      if (!cached) {
        cached = readRegularFile(file, folder, limits.maxBytes);
        workflowCache.set(file, cached);
      }
      return cached;
    },
  };

  // Internal state, changed only at the end of a reload, in the same synchronous step as the snapshot swap.
  const builder = createSnapshotBuilder(display, t);
  const { entries } = builder;
  const dependents = createReverseIndex();
  let objectInfo: ObjectInfo | undefined;
  let snapshot = builder.empty;
  const listeners = new Set<(snapshot: Snapshot) => void>();
  const retries = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  // One reload at a time; requests arriving meanwhile are merged into the next run.
  let running: Promise<unknown> = Promise.resolve();
  interface Pending {
    files: Set<string>;
    full: boolean;
    recheck: boolean;
    promise: Promise<Snapshot>;
  }
  let queued: Pending | undefined;

  function schedule(files: Iterable<string>, full: boolean, recheck: boolean): Promise<Snapshot> {
    if (!queued) {
      const next: Pending = { files: new Set<string>(), full: false, recheck: false, promise: Promise.resolve(snapshot) };
      next.promise = running.then(async () => {
        if (queued === next) queued = undefined;
        try {
          return await reload(next.files, next.full, next.recheck);
        } catch (error) {
          log.error({ err: error }, 'scenario reload failed unexpectedly; the previous scenarios keep serving');
          options.onReloaded?.(false);
          return snapshot;
        }
      });
      running = next.promise;
      queued = next;
    }
    for (const file of files) queued.files.add(path.resolve(file));
    queued.full ||= full;
    queued.recheck ||= recheck;
    return queued.promise;
  }

  async function reload(changed: Set<string>, full: boolean, recheck: boolean): Promise<Snapshot> {
    const started = performance.now();
    const version = snapshot.version + 1;
    const work = new Set<string>();
    if (full) {
      workflowCache.clear();
      for (const file of entries.keys()) work.add(file);
      for (const file of await listManifests()) work.add(file);
    }
    for (const file of changed) {
      workflowCache.delete(file);
      if (MANIFEST.test(path.basename(file)) && path.dirname(file) === path.resolve(options.scenariosDir)) work.add(file);
      for (const dependent of dependents.filesOf(file)) work.add(dependent);
    }
    if (!work.size && !recheck) return snapshot;

    const order = [...work].sort();
    const results = await Promise.all(order.map((file) => loadFile(loaderDeps, file, version, objectInfo)));
    // The changed entries only (undefined: removed); the rest of the state is shared with the current snapshot.
    const nextEntries = new Map<string, Entry | undefined>();
    const touched: string[] = [];
    order.forEach((file, index) => {
      const result = results[index];
      if (result === 'unstable') {
        retryLater(file);
        return;
      }
      retries.delete(file);
      touched.push(file);
      if (result === 'gone' || result === undefined) nextEntries.set(file, undefined);
      else nextEntries.set(file, result);
    });
    if (recheck) {
      for (const [file, entry] of entries) {
        const next = nextEntries.has(file) ? nextEntries.get(file) : entry;
        if (next?.result.ok && next.loaded) {
          const comfyWarnings = objectInfo ? checkObjectInfo(next.result.scenario, objectInfo, next.loaded.at, t) : [];
          nextEntries.set(file, { ...next, comfyWarnings });
        }
      }
    }

    const next = builder.prepare(version, nextEntries);
    // Swap: from here on, new requests see the new scenarios; requests in flight keep the objects they hold.
    for (const file of touched) dependents.link(file, nextEntries.get(file)?.deps ?? []);
    const released = next.commit();
    snapshot = next.snapshot;
    for (const old of released) compiler.release(old);

    for (const file of touched) {
      const status = snapshot.statuses.get(display(file));
      if (!status) log.info({ file: display(file) }, 'scenario removed');
      else if (status.state === 'failed') for (const error of status.errors) log.warn({ file: status.file }, error);
      else for (const warning of status.warnings) log.warn({ file: status.file }, warning);
    }
    if (recheck) {
      for (const status of snapshot.statuses.values()) {
        if (touched.some((file) => display(file) === status.file)) continue;
        for (const warning of status.warnings) log.warn({ file: status.file }, warning);
      }
    }
    // A re-check against ComfyUI reads no file: it is not a reload, and saying "reloaded, files: 0" misleads.
    log.info(
      { version, files: touched.length, scenarios: snapshot.scenarios.size, ms: Math.round(performance.now() - started) },
      touched.length === 0 && recheck ? 'scenarios checked against ComfyUI' : 'scenarios reloaded',
    );
    options.onReloaded?.(touched.every((file) => snapshot.statuses.get(display(file))?.state !== 'failed'));
    for (const listener of listeners) {
      try {
        listener(snapshot);
      } catch (error) {
        log.error({ err: error }, 'a scenario snapshot listener failed');
      }
    }
    return snapshot;
  }

  function retryLater(file: string): void {
    const count = (retries.get(file) ?? 0) + 1;
    retries.set(file, count);
    if (closed) return;
    // After many tries the file is read as it is; a writer that never stops is then reported like any other error.
    const delay = (options.retryDelayMs ?? 50) * Math.min(count, 10);
    const timer = setTimeout(() => {
      timers.delete(timer);
      void schedule([file], false, false);
    }, delay);
    timers.add(timer);
  }

  async function listManifests(): Promise<string[]> {
    try {
      const names = await readdir(options.scenariosDir);
      return names.filter((name) => MANIFEST.test(name)).map((name) => path.resolve(options.scenariosDir, name));
    } catch (error) {
      log.warn({ folder: options.scenariosDir, err: error }, 'the scenarios folder cannot be read; no scenarios are served');
      return [];
    }
  }

  function display(file: string): string {
    for (const dir of [options.scenariosDir, options.templatesDir]) {
      const relative = path.relative(dir, file);
      if (!relative.startsWith('..') && !path.isAbsolute(relative)) {
        return path.posix.join(path.basename(dir), ...relative.split(path.sep));
      }
    }
    return file;
  }

  return {
    current: () => snapshot,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    load: () => schedule([], true, false),
    update: (files) => schedule(files, false, false),
    async checkAgainstComfy() {
      if (!options.objectInfo) return false;
      try {
        objectInfo = await options.objectInfo();
      } catch (error) {
        log.info({ reason: error instanceof Error ? error.message : String(error) }, 'ComfyUI did not answer /object_info; scenarios are checked offline only');
        return false;
      }
      await schedule([], false, true);
      return true;
    },
    async idle() {
      while (queued || timers.size) {
        await (queued?.promise ?? running);
        if (!queued && timers.size) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await running;
    },
    close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      listeners.clear();
    },
  };
}
