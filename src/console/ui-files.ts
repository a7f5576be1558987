// The operator console's built files (ui/dist, made by `npm run build:ui`), read once when the gateway starts and
// kept in memory with their gzip form: the bundle is small, and a lookup in a fixed map means no request path is
// ever joined to a folder. Vite names every asset by its content hash, so assets may be cached for a year; the
// page itself is revalidated (no-cache + ETag) so a rebuilt console is picked up on the next load.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export interface UiFile {
  body: Buffer;
  /** Only when it saves bytes. */
  gzip: Buffer | undefined;
  contentType: string;
  etag: string;
}

export interface UiFiles {
  /** The page, for /ui and every client-side route below it. */
  index: UiFile | undefined;
  /** `assets/<name>` by name. */
  assets: ReadonlyMap<string, UiFile>;
  /** Where the files were looked for (named in the page shown when the console is not built). */
  dir: string;
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
};

const compressible = new Set(['.html', '.js', '.css', '.svg', '.json']);

/** Reads `dir` (index.html and assets/); a missing folder gives no files, and the route says how to build them. */
export function readUiFiles(dir: string, options: { locale: string }): UiFiles {
  const indexFile = path.join(dir, 'index.html');
  if (!existsSync(indexFile)) return { index: undefined, assets: new Map(), dir };
  // The page names the gateway's language, which the console uses unless the browser prefers another it knows.
  const html = readFileSync(indexFile, 'utf8').replace('<html lang="en">', `<html lang="${options.locale}" data-gateway-locale="${options.locale}">`);
  const assets = new Map<string, UiFile>();
  const assetDir = path.join(dir, 'assets');
  if (existsSync(assetDir)) {
    for (const name of readdirSync(assetDir)) {
      const file = path.join(assetDir, name);
      const type = contentTypes[path.extname(name)];
      if (type && statSync(file).isFile()) assets.set(name, uiFile(readFileSync(file), path.extname(name)));
    }
  }
  return { index: uiFile(Buffer.from(html), '.html'), assets, dir };
}

function uiFile(body: Buffer, extension: string): UiFile {
  const zipped = compressible.has(extension) ? gzipSync(body, { level: 9 }) : undefined;
  return {
    body,
    gzip: zipped && zipped.length < body.length ? zipped : undefined,
    contentType: contentTypes[extension] ?? 'application/octet-stream',
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
  };
}
