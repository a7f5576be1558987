// Startup folder handling, as ComfyUI does it: input/ and output/ are created if missing (a fresh
// input/ gets the example.png that ships with ComfyUI), temp/ is emptied at startup and at exit.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { Folders } from './paths.js';

export async function prepareFolders(f: Folders): Promise<void> {
  if (!existsSync(f.input)) {
    mkdirSync(f.input, { recursive: true });
    const size = 64;
    const px = Buffer.alloc(size * size * 3);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) px.set([x * 4, y * 4, 128], (y * size + x) * 3);
    }
    await sharp(px, { raw: { width: size, height: size, channels: 3 } }).png().toFile(path.join(f.input, 'example.png'));
  }
  mkdirSync(f.output, { recursive: true });
  resetTemp(f);
}

export function resetTemp(f: Folders): void {
  rmSync(f.temp, { recursive: true, force: true });
  mkdirSync(f.temp, { recursive: true });
}
