// The gateway's own store of input images (config folders.input, top level). Every image given to the gateway
// lands here first, checked (check-image.ts); a backend receives it only when a prompt that names it is sent there
// (ensureOn), once per backend per content. Images given inline, by URL or as a form part get a content address,
// `<sha256>.<ext>`: the same bytes are one file under one name on every backend, and a second copy costs nothing.
// The upload route keeps the caller's (safe) name, as ComfyUI did: a clash with other content is renamed
// `name (1).ext`, or replaced with overwrite. Bounded by images.input_store (input-cleanup.ts).
import { lstat, mkdir, rename, rm } from 'node:fs/promises';
import type { ReadStream } from 'node:fs';
import path from 'node:path';
import type { Workflow } from '../comfy/types.js';
import { fail } from '../errors.js';
import { translate, type Locale } from '../i18n.js';
import type { Logger } from '../log.js';
import { checkImageFile } from './check-image.js';
import { pickForRemoval, type CleanupLimits } from './input-cleanup.js';
import { createInputEntries } from './input-entries.js';
import { hashFile, listImages, openImage } from './input-folder.js';
import { createInputPushes, type Backend } from './input-pushes.js';
import { safeUploadName } from './safe-filename.js';

export type { Backend } from './input-pushes.js';

export interface StagedFile {
  filepath: string;
  originalFilename: string | null;
  size: number;
}

/** How a kept image is named: by its content, or by the caller's file name (the upload route). */
export type InputNaming = { by: 'content' } | { by: 'caller'; overwrite: boolean };

export interface StoredInput {
  /** The safe name the gateway derived from the caller's (the content name when named by content). */
  filename: string;
  /** The name in every input folder: what goes into a workflow. */
  name: string;
  /** Absolute path of the gateway's copy. */
  local_path: string;
  sha256: string;
  size: number;
}

export interface InputStore {
  /** Checks a staged file (sniffed, pixel-checked, safely named) and keeps it; the staged file is gone afterwards. */
  put(file: StagedFile, naming: InputNaming, locale: Locale): Promise<StoredInput>;
  /** The gateway's copy of an image it holds, to serve (GET /api/v1/images/download?img_type=input). */
  open(name: string): Promise<{ stream: ReadStream; size: number } | undefined>;
  /** Names in this prompt's string inputs that this store holds. */
  namesIn(prompt: Readonly<Workflow>): string[];
  /**
   * The names among these that are not in the store's folder (one put there since, e.g. by another gateway process
   * sharing the folder, is taken in).
   */
  missing(names: readonly string[]): Promise<string[]>;
  /** Sends each name to the backend's input folder unless it already has that content; failure: 1001 naming it. */
  ensureOn(backend: Backend, names: readonly string[]): Promise<void>;
  /** The backend restarted or was replaced: every image is sent to it again when next needed. */
  forgetBackend(name: string): void;
  /** Keeps these images until release(key) (a job from submission to its end). A second hold of a key replaces it. */
  hold(key: string, names: readonly string[]): void;
  release(key: string): void;
  /** Removes what images.input_store says must go; returns the names removed. */
  sweep(): Promise<string[]>;
  readonly bytes: number;
  readonly files: number;
  close(): void;
}

export interface InputStoreOptions {
  dir: string;
  /** limits.image_pixels. */
  maxPixels: number;
  limits: CleanupLimits;
  /** How often the store is swept; 0: only when a put takes it past a limit. */
  sweepIntervalMs: number;
  log: Logger;
  now?: () => number;
}

const CONTENT_NAME = /^([0-9a-f]{64})\.[a-z]+$/;

export async function createInputStore(options: InputStoreOptions): Promise<InputStore> {
  const now = options.now ?? Date.now;
  const { dir, log } = options;
  await mkdir(dir, { recursive: true });
  const pushes = createInputPushes();
  const entries = createInputEntries(dir, (name) => pushes.drop(name));
  const { add, forget, shaOf, lookup, removing } = entries;
  const holds = new Map<string, readonly string[]>();
  /** Caller-named puts decide their name one at a time (two uploads of `cat.png` must not both take it). */
  let naming: Promise<unknown> = Promise.resolve();
  let sweeping: Promise<string[]> | undefined;
  let lastOverSweep = -Infinity;

  for (const found of await listImages(dir)) add({ ...found, sha256: undefined, holds: 0 });

  async function keep(file: StagedFile, name: string, sha256: string, locale: Locale): Promise<void> {
    try {
      await rename(file.filepath, path.join(dir, name));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw fail.file(translate(locale, 'reason.storage_failed', { reason }), { status: 500, cause: error });
    }
    add({ name, size: file.size, sha256, lastUsed: now(), holds: 0 });
    const limits = options.limits;
    // At most one such sweep a second: while everything is in use, a burst of uploads must not sort the folder each.
    if ((entries.bytes > limits.maxBytes || entries.size > limits.maxFiles) && now() - lastOverSweep >= 1000) {
      lastOverSweep = now();
      void sweep();
    }
  }

  async function byCaller(file: StagedFile, safe: string, sha256: string, overwrite: boolean, locale: Locale) {
    const ext = path.extname(safe);
    const stem = safe.slice(0, safe.length - ext.length);
    for (let i = 0; ; i++) {
      const name = i === 0 ? safe : `${stem} (${i})${ext}`;
      // A content address belongs to that content only: an upload may not claim another image's name.
      const claimed = CONTENT_NAME.exec(name)?.[1];
      if (claimed !== undefined && claimed !== sha256) continue;
      const entry = await lookup(name);
      if (entry === 'taken') continue;
      if (entry && (await shaOf(entry)) === sha256) {
        entry.lastUsed = now();
        return name;
      }
      if (entry && !overwrite) continue;
      await keep(file, name, sha256, locale);
      return name;
    }
  }

  async function put(file: StagedFile, how: InputNaming, locale: Locale): Promise<StoredInput> {
    try {
      const kind = await checkImageFile(file.filepath, options.maxPixels, locale);
      const sha256 = await hashFile(file.filepath);
      const staged = { ...file, size: (await lstat(file.filepath)).size };
      let filename: string;
      let name: string;
      if (how.by === 'content') {
        name = filename = `${sha256}.${kind.extensions[0] ?? 'bin'}`;
        const entry = await lookup(name);
        // Its content is checked, not assumed: a file put there by hand may hold something else.
        if (entry && entry !== 'taken' && (await shaOf(entry)) === sha256) entry.lastUsed = now();
        else await keep(staged, name, sha256, locale);
      } else {
        filename = safeUploadName(file.originalFilename, kind.extensions);
        const decided = naming.then(() => byCaller(staged, filename, sha256, how.overwrite, locale));
        naming = decided.catch(() => undefined);
        name = await decided;
      }
      return { filename, name, local_path: path.join(dir, name), sha256, size: staged.size };
    } finally {
      // Kept files were moved away; anything else staged goes now, whatever happened.
      await rm(file.filepath, { force: true });
    }
  }

  async function remove(name: string): Promise<void> {
    forget(name);
    const done = rm(path.join(dir, name), { force: true })
      .catch((error: unknown) => log.warn({ err: error, name }, 'could not remove an input image'))
      .finally(() => removing.delete(name));
    removing.set(name, done);
    await done;
  }

  function sweep(): Promise<string[]> {
    sweeping ??= (async () => {
      const candidates = [...entries.values()].map((entry) => ({
        name: entry.name,
        size: entry.size,
        lastUsed: entry.lastUsed,
        pinned: entry.holds > 0 || pushes.busy(entry.name),
      }));
      const picked = pickForRemoval(candidates, { bytes: entries.bytes, files: entries.size }, options.limits, now());
      const names: string[] = [];
      for (const name of picked) {
        // Things happened while earlier removals ran: an image used or held meanwhile stays.
        const entry = entries.get(name);
        if (!entry || entry.holds > 0 || pushes.busy(name)) continue;
        if (now() - entry.lastUsed < options.limits.minAgeMs) continue;
        await remove(name);
        names.push(name);
      }
      if (names.length) log.info({ removed: names.length, bytes: entries.bytes, files: entries.size }, 'input images removed');
      if (entries.bytes > options.limits.maxBytes) {
        log.warn({ bytes: entries.bytes, limit: options.limits.maxBytes }, 'input store over images.input_store.max_bytes: its images are all in use');
      }
      return names;
    })().finally(() => (sweeping = undefined));
    return sweeping;
  }

  /**
   * Synchronous up to the push for an image whose hash is known, so that calls made together find each other's
   * upload in flight and share it.
   */
  function ensureOne(backend: Backend, name: string): Promise<void> {
    const entry = entries.get(name);
    // Not (or no longer) ours: the backend's own file of that name is used, or ComfyUI says it is missing.
    if (!entry) return Promise.resolve();
    entry.lastUsed = now();
    if (entry.sha256 === undefined) return shaOf(entry).then(() => ensureOne(backend, name), () => forget(name));
    const filepath = path.join(dir, name);
    return pushes.push(backend, { name, filepath, sha256: entry.sha256 }).catch((error: unknown) => {
      // Removed from the folder behind the gateway's back: no longer ours to send.
      const cause = (error as { cause?: { code?: unknown } }).cause;
      if (cause?.code !== 'ENOENT') throw error;
      if (entries.get(name) === entry) forget(name);
    });
  }

  function release(key: string): void {
    for (const name of holds.get(key) ?? []) {
      const entry = entries.get(name);
      if (!entry) continue;
      entry.holds = Math.max(0, entry.holds - 1);
      // Its job just ended: age counts from here, not from the upload.
      entry.lastUsed = now();
    }
    holds.delete(key);
  }

  const timer = options.sweepIntervalMs > 0 ? setInterval(() => void sweep(), options.sweepIntervalMs) : undefined;
  timer?.unref();

  return {
    put,
    open: async (name) => (entries.has(name) ? openImage(dir, name) : undefined),
    namesIn(prompt) {
      const found = new Set<string>();
      for (const node of Object.values(prompt)) {
        for (const value of Object.values(node.inputs ?? {})) {
          if (typeof value === 'string' && entries.has(value)) found.add(value);
        }
      }
      return [...found];
    },
    async missing(names) {
      const found = await Promise.all(names.map(async (name) => ({ name, entry: await lookup(name) })));
      return found.filter(({ entry }) => entry === undefined || entry === 'taken').map(({ name }) => name);
    },
    async ensureOn(backend, names) {
      await Promise.all([...new Set(names)].map((name) => ensureOne(backend, name)));
    },
    forgetBackend: (name) => pushes.forget(name),
    hold(key, names) {
      release(key);
      const held = names.filter((name) => entries.has(name));
      for (const name of held) entries.get(name)!.holds += 1;
      holds.set(key, held);
    },
    release,
    sweep,
    get bytes() {
      return entries.bytes;
    },
    get files() {
      return entries.size;
    },
    close() {
      if (timer) clearInterval(timer);
    },
  };
}
