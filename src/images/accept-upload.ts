// An upload, once the multipart parser has streamed it into a staging folder (never into memory whole): kept in
// the gateway's input store (checked, named, moved into input/: input-store.ts), then delivered where it is needed
// now (the one ComfyUI today; a pool sends it at dispatch instead). Every failure leaves the staging folder clean.
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Locale } from '../i18n.js';
import type { InputNaming, InputStore, StagedFile, StoredInput } from './input-store.js';

export type { StagedFile, StoredInput } from './input-store.js';

export interface UploaderOptions {
  store: InputStore;
  stagingDir: string;
  /** Sends a kept image on at once (to the one ComfyUI); resolves when it is there. */
  deliver: (name: string) => Promise<void>;
}

export type Uploader = (file: StagedFile, naming: InputNaming, locale: Locale) => Promise<StoredInput>;

/** Staged files that outlive their request (a request refused by validation before its handler ran). */
const STALE_AFTER_MS = 15 * 60_000;
const SWEEP_EVERY_MS = 60_000;

/** Creates the staging folder, empties leftovers of an earlier run, and returns the upload step. */
export async function createUploader(options: UploaderOptions): Promise<Uploader> {
  await rm(options.stagingDir, { recursive: true, force: true });
  await mkdir(options.stagingDir, { recursive: true });
  let lastSweep = Date.now();

  return async (file, naming, locale) => {
    try {
      const stored = await options.store.put(file, naming, locale);
      await options.deliver(stored.name);
      return stored;
    } finally {
      await rm(file.filepath, { force: true });
      if (Date.now() - lastSweep > SWEEP_EVERY_MS) {
        lastSweep = Date.now();
        await sweepStale(options.stagingDir);
      }
    }
  };
}

async function sweepStale(dir: string): Promise<void> {
  const now = Date.now();
  for (const entry of await readdir(dir).catch(() => [] as string[])) {
    const full = path.join(dir, entry);
    const info = await stat(full).catch(() => undefined);
    if (info && now - info.mtimeMs > STALE_AFTER_MS) await rm(full, { force: true, recursive: true });
  }
}
