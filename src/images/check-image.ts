// What every image given to the gateway must pass before it is kept: its bytes are an image of a kind ComfyUI's
// LoadImage reads (judged by the content, never the name), its header is readable, and its pixels (every frame or
// page) are within limits.image_pixels. Reads only the header: nothing is decoded.
import { fail } from '../errors.js';
import { translate, type Locale } from '../i18n.js';
import { readImageSize, type ImageSize } from './image-size.js';
import { sniffImageFile, type ImageKind } from './sniff.js';

export async function checkImageFile(filepath: string, maxPixels: number, locale: Locale): Promise<ImageKind> {
  const sniffed = await sniffImageFile(filepath);
  if (!sniffed.ok) throw fail.file(translate(locale, 'reason.not_an_image', { found: sniffed.found }));

  let size: ImageSize;
  try {
    size = await readImageSize(filepath, sniffed.kind.mime);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw fail.file(translate(locale, 'reason.image_unreadable', { reason }));
  }
  const { width, height, pages } = size;
  if (width === 0 || height === 0) throw fail.file(translate(locale, 'reason.image_empty', { width, height }));
  // Every frame or page counts: ComfyUI's LoadImage decodes them all.
  const pixels = width * height * pages;
  if (pixels > maxPixels) {
    throw fail.badRequest(
      pages > 1
        ? translate(locale, 'reason.image_too_many_pixels_pages', { width, height, pages, pixels, limit: maxPixels })
        : translate(locale, 'reason.image_too_many_pixels', { width, height, pixels, limit: maxPixels }),
    );
  }
  return sniffed.kind;
}
