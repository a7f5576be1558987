// folder_paths.get_save_image_path: variable expansion, subfolder from the prefix, and the counter
// (1 + the highest existing counter for this prefix in the folder).
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { isInside } from '../paths.js';
import { NodeError } from './types.js';

export interface SavePath {
  folder: string;
  filename: string;
  counter: number;
  subfolder: string;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

function computeVars(prefix: string, width: number, height: number): string {
  const now = new Date();
  return prefix
    .replaceAll('%width%', String(width))
    .replaceAll('%height%', String(height))
    .replaceAll('%year%', String(now.getFullYear()))
    .replaceAll('%month%', pad2(now.getMonth() + 1))
    .replaceAll('%day%', pad2(now.getDate()))
    .replaceAll('%hour%', pad2(now.getHours()))
    .replaceAll('%minute%', pad2(now.getMinutes()))
    .replaceAll('%second%', pad2(now.getSeconds()));
}

export function getSaveImagePath(prefixIn: string, outputDir: string, width: number, height: number): SavePath {
  const prefix = prefixIn.includes('%') ? computeVars(prefixIn, width, height) : prefixIn;
  const normalized = path.posix.normalize(prefix === '' ? '.' : prefix).replace(/\/+$/, '') || '.';
  const subfolder = path.posix.dirname(normalized) === '.' ? '' : path.posix.dirname(normalized);
  const filename = path.posix.basename(normalized);
  const folder = path.join(outputDir, subfolder);
  const abs = path.resolve(folder);
  if (!isInside(outputDir, abs)) {
    throw new NodeError(
      'Exception',
      `**** ERROR: Saving image outside the output folder is not allowed.\n full_output_folder: ${abs}\n         output_dir: ${outputDir}\n         commonpath: ${path.parse(abs).root}`,
    );
  }
  const prefixLen = path.posix.basename(prefix).length;
  let best: number | undefined;
  let names: string[] = [];
  try {
    names = readdirSync(folder);
  } catch {
    mkdirSync(folder, { recursive: true });
  }
  for (const name of names) {
    const head = name.slice(0, prefixLen + 1);
    if (head.slice(0, -1) !== filename || !head.endsWith('_')) continue;
    const digitsText = name.slice(prefixLen + 1).split('_')[0] ?? '';
    const digits = /^\s*[+-]?\d+\s*$/.test(digitsText) ? Number(digitsText) : 0;
    if (best === undefined || digits > best) best = digits;
  }
  return { folder, filename, counter: best === undefined ? 1 : best + 1, subfolder };
}
