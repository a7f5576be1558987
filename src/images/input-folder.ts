// Reading the input folder: the images already at its top level when the store starts (left by an earlier run, or
// put there by hand), the sha256 of a file, streamed (never read whole into memory), and one image to serve.
import { createHash } from 'node:crypto';
import { constants, createReadStream, type ReadStream } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import path from 'node:path';

/** The extensions sniff.ts gives the formats it accepts: what a file found there must end with to count. */
const IMAGE_EXTENSION = /\.(png|jpe?g|jpe|jfif|webp|gif|bmp|tiff?)$/i;

export interface FoundImage {
  name: string;
  size: number;
  /** Its modification time: a restart does not make old images look freshly used. */
  lastUsed: number;
}

/** Regular files with an image extension; hidden names (the staging folders) and links are left out. */
export async function listImages(dir: string): Promise<FoundImage[]> {
  const found: FoundImage[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isFile() || entry.name.startsWith('.') || !IMAGE_EXTENSION.test(entry.name)) continue;
    const info = await lstat(path.join(dir, entry.name)).catch(() => undefined);
    // What a file holds is hashed when first needed, content names too: never inferred from the name.
    if (info?.isFile()) found.push({ name: entry.name, size: info.size, lastUsed: info.mtimeMs });
  }
  return found;
}

export async function hashFile(filepath: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(filepath)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A regular file at the top of the folder, opened for streaming (not a link: O_NOFOLLOW); undefined if absent. */
export async function openImage(dir: string, name: string): Promise<{ stream: ReadStream; size: number } | undefined> {
  let handle;
  try {
    handle = await open(path.join(dir, path.basename(name)), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if (['ENOENT', 'ENOTDIR', 'ELOOP'].includes((error as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw error;
  }
  // Stat the opened handle, not the path: the file served is the one checked.
  const info = await handle.stat().catch(async (error: unknown) => {
    await handle.close();
    throw error;
  });
  if (!info.isFile()) {
    await handle.close();
    return undefined;
  }
  return { stream: handle.createReadStream(), size: info.size };
}
