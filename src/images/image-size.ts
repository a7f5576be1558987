// Width and height from an image's header, without decoding its pixels, so that the pixel limit refuses a
// decompression bomb before anything expands it.
import { open } from 'node:fs/promises';

export interface ImageSize {
  width: number;
  height: number;
  /** Frames or pages (animated GIF/WebP/PNG, multi-page TIFF): a loader that decodes them all pays for each. */
  pages: number;
}

/** Throws when the header cannot be read (a truncated or corrupt file). */
export async function readImageSize(filePath: string, mime: string): Promise<ImageSize> {
  // libvips (and so sharp) has no BMP reader; the BMP header is simple enough to read ourselves.
  if (mime === 'image/bmp') return bmpSize(filePath);
  // sharp (libvips) costs ~270 ms and ~20 MiB to load: loaded on the first upload, not at start-up. Node caches
  // the module, so later calls pay nothing.
  const { default: sharp } = await import('sharp');
  // Our own limit applies (limits.image_pixels), not sharp's built-in one.
  const meta = await sharp(filePath, { limitInputPixels: false }).metadata();
  // For a multi-page file `height` is one page's (pageHeight when the pages are stacked).
  const height = meta.pageHeight ?? meta.height;
  return { width: meta.width, height, pages: Math.max(1, meta.pages ?? 1) };
}

async function bmpSize(filePath: string): Promise<ImageSize> {
  const file = await open(filePath, 'r');
  try {
    const header = Buffer.alloc(26);
    const { bytesRead } = await file.read(header, 0, 26, 0);
    if (bytesRead < 26) throw new Error('BMP header is truncated');
    const dibSize = header.readUInt32LE(14);
    // BITMAPCOREHEADER (12 bytes) has 16-bit sizes; every later header has 32-bit ones, height negative = top-down.
    if (dibSize === 12) return { width: header.readUInt16LE(18), height: header.readUInt16LE(20), pages: 1 };
    return { width: Math.abs(header.readInt32LE(18)), height: Math.abs(header.readInt32LE(22)), pages: 1 };
  } finally {
    await file.close();
  }
}
