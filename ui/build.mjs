// Builds the console into ui/dist when its sources are newer than the build (or with --force). Run by `npm install`
// (prepare), `npm run build`, `npm run demo` and the browser tests, so a fresh clone needs no extra command. Without
// Vite (an install without dev dependencies) it says so and leaves the gateway to answer /ui with how to build it.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));
const built = path.join(root, 'dist', 'index.html');

function newest(entry) {
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(entry).map((name) => newest(path.join(entry, name))));
}

export async function buildConsole({ force = false } = {}) {
  const sources = ['src', 'index.html', 'vite.config.ts'].map((name) => path.join(root, name));
  const stale = force || !existsSync(built) || Math.max(...sources.map(newest)) > statSync(built).mtimeMs;
  if (!stale) return false;
  let vite;
  try {
    vite = await import('vite');
  } catch {
    console.warn('console: vite is not installed (dev dependencies omitted); /ui stays unbuilt');
    return false;
  }
  await vite.build({ configFile: path.join(root, 'vite.config.ts') });
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildConsole({ force: process.argv.includes('--force') });
}
