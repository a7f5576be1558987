// The files the documentation pages load, served from the installed npm packages (no CDN: /docs must work with
// no internet). Only a fixed allow-list of file names is served, so no request can reach outside those folders.
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface AssetFile {
  absolutePath: string;
  contentType: string;
  size: number;
}

export interface AssetFolder {
  /** URL prefix the files are served under, e.g. `/docs/assets`. */
  prefix: string;
  /** The package version: appended to asset URLs so the year-long cache is dropped on an upgrade. */
  version: string;
  files: ReadonlyMap<string, AssetFile>;
  url(name: string): string;
}

const contentTypes: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.map': 'application/json; charset=utf-8',
};

/** Swagger UI's files: the bundle, its stylesheet, favicons, and the stylesheet's source map (devtools ask for it). */
export function swaggerUiAssets(): AssetFolder {
  return assetFolder('/docs/assets', 'swagger-ui-dist/package.json', '.', [
    'swagger-ui-bundle.js',
    'swagger-ui.css',
    'swagger-ui.css.map',
    'favicon-32x32.png',
    'favicon-16x16.png',
  ]);
}

/** ReDoc's standalone bundle (it carries its own styles and its search worker) and its source map. */
export function redocAssets(): AssetFolder {
  return assetFolder('/redoc/assets', 'redoc/package.json', 'bundles', ['redoc.standalone.js', 'redoc.standalone.js.map']);
}

/**
 * Resolves each allowed file once, when the route group is created, and fails fast (naming the package) if the
 * install is incomplete, rather than serving a page that cannot load.
 */
function assetFolder(prefix: string, packageJson: string, subdir: string, names: readonly string[]): AssetFolder {
  const require = createRequire(import.meta.url);
  const packageFile = require.resolve(packageJson);
  const { version } = require(packageJson) as { version: string };
  const dir = path.join(path.dirname(packageFile), subdir);
  const files = new Map<string, AssetFile>();
  for (const name of names) {
    const absolutePath = path.join(dir, name);
    const contentType = contentTypes[path.extname(name)];
    if (!contentType) throw new Error(`no content type known for documentation asset ${name}`);
    let size: number;
    try {
      size = statSync(absolutePath).size;
    } catch (cause) {
      throw new Error(`documentation asset missing: ${absolutePath} (reinstall ${path.dirname(packageJson)})`, { cause });
    }
    files.set(name, { absolutePath, contentType, size });
  }
  return {
    prefix,
    version,
    files,
    url: (name) => `${prefix}/${name}?v=${encodeURIComponent(version)}`,
  };
}
