// An upload, once the multipart parser has streamed it into the staging folder (never into memory whole):
// sniff the bytes → check the pixel count (header only) → pick a safe name → hand it to ComfyUI → keep our copy in input/.
// Every failure leaves the staging folder clean; only the local copy of a successful upload stays.
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ComfyClient } from '../comfy/client.js';
import { fail } from '../errors.js';
import { translate, type Locale } from '../i18n.js';
import { readImageSize, type ImageSize } from './image-size.js';
import { safeUploadName } from './safe-filename.js';
import { sniffImageFile } from './sniff.js';

export interface StagedFile {
  filepath: string;
  originalFilename: string | null;
  size: number;
}

export interface UploadResult {
  /** The safe name the gateway asked for. */
  filename: string;
  /** The name ComfyUI stored it under (`cat (1).png` after a clash when overwrite is false). */
  name: string;
  /** Absolute path of the gateway's own copy. */
  local_path: string;
}

export interface UploaderOptions {
  comfy: ComfyClient;
  inputDir: string;
  stagingDir: string;
  maxPixels: number;
}

export type Uploader = (file: StagedFile, overwrite: boolean, locale: Locale) => Promise<UploadResult>;

/** Staged files that outlive their request (a request refused by validation before its handler ran). */
const STALE_AFTER_MS = 15 * 60_000;
const SWEEP_EVERY_MS = 60_000;

/** Creates the folders, empties leftovers of an earlier run, and returns the upload step. */
export async function createUploader(options: UploaderOptions): Promise<Uploader> {
  await mkdir(options.inputDir, { recursive: true });
  await rm(options.stagingDir, { recursive: true, force: true });
  await mkdir(options.stagingDir, { recursive: true });
  let lastSweep = Date.now();

  return async (file, overwrite, locale) => {
    try {
      return await accept(options, file, overwrite, locale);
    } finally {
      await rm(file.filepath, { force: true });
      if (Date.now() - lastSweep > SWEEP_EVERY_MS) {
        lastSweep = Date.now();
        await sweepStale(options.stagingDir);
      }
    }
  };
}

async function accept(options: UploaderOptions, file: StagedFile, overwrite: boolean, locale: Locale) {
  const sniffed = await sniffImageFile(file.filepath);
  if (!sniffed.ok) throw fail.file(translate(locale, 'reason.not_an_image', { found: sniffed.found }));

  let size: ImageSize;
  try {
    size = await readImageSize(file.filepath, sniffed.kind.mime);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw fail.file(translate(locale, 'reason.image_unreadable', { reason }));
  }
  const { width, height, pages } = size;
  if (width === 0 || height === 0) throw fail.file(translate(locale, 'reason.image_empty', { width, height }));
  // Every frame or page counts: ComfyUI's LoadImage decodes them all.
  const pixels = width * height * pages;
  if (pixels > options.maxPixels) {
    throw fail.badRequest(
      pages > 1
        ? translate(locale, 'reason.image_too_many_pixels_pages', { width, height, pages, pixels, limit: options.maxPixels })
        : translate(locale, 'reason.image_too_many_pixels', { width, height, pixels, limit: options.maxPixels }),
    );
  }

  const filename = safeUploadName(file.originalFilename, sniffed.kind.extensions);
  // Held in memory once, bounded by limits.upload_bytes (the parser refused anything bigger).
  const data = await readFile(file.filepath);
  const answer = await options.comfy.uploadImage({ data, filename, overwrite });

  // ComfyUI's answer is a name it derived from ours; still, never let it choose a directory of ours.
  const name = path.basename(answer.name);
  const localPath = path.join(options.inputDir, name);
  try {
    await rename(file.filepath, localPath);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw fail.file(translate(locale, 'reason.storage_failed', { reason }), { status: 500, cause: error });
  }
  return { filename, name: answer.name, local_path: localPath };
}

async function sweepStale(dir: string): Promise<void> {
  const now = Date.now();
  for (const entry of await readdir(dir).catch(() => [] as string[])) {
    const full = path.join(dir, entry);
    const info = await stat(full).catch(() => undefined);
    if (info && now - info.mtimeMs > STALE_AFTER_MS) await rm(full, { force: true, recursive: true });
  }
}
