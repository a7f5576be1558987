// The gateway's name and version, read once from package.json (found from this file, in src/ or in dist/src/).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackageInfo {
  name: string;
  version: string;
  root: string;
}

export function readPackageInfo(from = path.dirname(fileURLToPath(import.meta.url))): PackageInfo {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name: string; version: string };
      return { name: pkg.name, version: pkg.version, root: dir };
    }
    if (path.dirname(dir) === dir) throw new Error('package.json not found above ' + from);
  }
}
