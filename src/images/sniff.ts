// What an uploaded file really is, judged by its first bytes (magic number), never by the name or the
// Content-Type the caller claimed.

export interface ImageKind {
  mime: string;
  /** Extensions that name this kind; the first is the one we give a file that had none that fit. */
  extensions: readonly string[];
}

/** The formats ComfyUI's LoadImage (PIL) reads that we accept, keyed by file-type's `ext`. */
const ACCEPTED: Record<string, ImageKind> = {
  png: { mime: 'image/png', extensions: ['png'] },
  jpg: { mime: 'image/jpeg', extensions: ['jpg', 'jpeg', 'jpe', 'jfif'] },
  webp: { mime: 'image/webp', extensions: ['webp'] },
  gif: { mime: 'image/gif', extensions: ['gif'] },
  bmp: { mime: 'image/bmp', extensions: ['bmp'] },
  tif: { mime: 'image/tiff', extensions: ['tif', 'tiff'] },
};

export type SniffResult = { ok: true; kind: ImageKind } | { ok: false; found: string };

export async function sniffImageFile(filePath: string): Promise<SniffResult> {
  // Imported on the first upload, not at start-up (file-type and its tokenizers are only needed then).
  const { fileTypeFromFile } = await import('file-type');
  const type = await fileTypeFromFile(filePath);
  if (!type) return { ok: false, found: 'unknown' };
  const kind = ACCEPTED[type.ext];
  return kind ? { ok: true, kind } : { ok: false, found: type.mime };
}
