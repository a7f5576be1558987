// folder_paths: the input/output/temp folders and the name rules ComfyUI applies to them.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export interface Folders {
  input: string;
  output: string;
  temp: string;
}

export function folders(dataDir: string): Folders {
  return { input: path.join(dataDir, 'input'), output: path.join(dataDir, 'output'), temp: path.join(dataDir, 'temp') };
}

export type FolderType = keyof Folders;

/** get_directory_by_type: only output, temp and input exist. */
export function directoryByType(f: Folders, type: string): string | undefined {
  return type === 'output' || type === 'temp' || type === 'input' ? f[type] : undefined;
}

/** annotated_filepath: a trailing " [output]" / " [input]" / " [temp]" picks the folder. */
export function annotatedFilepath(f: Folders, name: string): [name: string, dir: string | undefined] {
  if (name.endsWith('[output]')) return [name.slice(0, -9), f.output];
  if (name.endsWith('[input]')) return [name.slice(0, -8), f.input];
  if (name.endsWith('[temp]')) return [name.slice(0, -7), f.temp];
  return [name, undefined];
}

/** exists_annotated_filepath (os.path.exists: a folder counts too). */
export function annotatedFileExists(f: Folders, name: string): boolean {
  const [n, dir] = annotatedFilepath(f, name);
  return existsSync(path.join(dir ?? f.input, n));
}

export function annotatedFilePath(f: Folders, name: string): string {
  const [n, dir] = annotatedFilepath(f, name);
  return path.join(dir ?? f.input, n);
}

// Python's mimetypes table, image entries only: filter_files_content_types keeps files whose type is image/*.
const IMAGE_EXTENSIONS = new Set([
  'png', 'jpg', 'jpeg', 'jpe', 'gif', 'bmp', 'ico', 'svg', 'tif', 'tiff', 'webp', 'ief', 'ras', 'pnm', 'pbm',
  'pgm', 'ppm', 'rgb', 'xbm', 'xpm', 'xwd', 'heic', 'heif', 'avif', 'pct', 'pic', 'pict', 'jfif',
]);

/** LoadImage's choices: the image files at the top of input/, sorted. */
export function listInputImages(f: Folders): string[] {
  let names: string[];
  try {
    names = readdirSync(f.input);
  } catch {
    return [];
  }
  return names
    .filter((n) => {
      const ext = n.split('.').pop()?.toLowerCase() ?? '';
      if (!n.includes('.') || !IMAGE_EXTENSIONS.has(ext)) return false;
      try {
        return statSync(path.join(f.input, n)).isFile();
      } catch {
        return false;
      }
    })
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** os.path.commonpath((base, p)) == base, for absolute, normalised paths. */
export function isInside(base: string, p: string): boolean {
  const rel = path.relative(base, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
