// Sample input images for the demo, so the README's examples work on a fresh clone: its cpu_quickly example names
// `input.png`, the manifests default to `your_image_here.png`, templates/cpu_quickly.json to `dog.png`, and the
// image scenarios' examples (what Swagger UI's "Try it out" sends) to `example.png`.
// Made here from pixels (a colour gradient), so nothing is downloaded and no binary is committed.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';

export const SAMPLE_IMAGES = ['input.png', 'your_image_here.png', 'dog.png', 'example.png'] as const;

export async function writeSampleImages(inputDir: string, size = { width: 96, height: 64 }): Promise<string[]> {
  await mkdir(inputDir, { recursive: true });
  const { width, height } = size;
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      pixels[i] = Math.round((255 * x) / (width - 1));
      pixels[i + 1] = Math.round((255 * y) / (height - 1));
      pixels[i + 2] = 128;
    }
  }
  const png = await sharp(pixels, { raw: { width, height, channels: 3 } }).png().toBuffer();
  const written: string[] = [];
  for (const name of SAMPLE_IMAGES) {
    await writeFile(path.join(inputDir, name), png);
    written.push(name);
  }
  return written;
}
