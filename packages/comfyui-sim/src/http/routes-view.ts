// GET /view (server.py view_image): annotated names, the 400/403/404 rules, preview re-encoding,
// channel=rgb / channel=a, and otherwise the file itself as aiohttp's FileResponse sends it.
import { lstatSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { annotatedFilepath, directoryByType, isInside } from '../paths.js';
import type { RouteContext } from './context.js';
import { sendBinary, sendEmpty } from './respond.js';
import type { Router } from './router.js';
import { pyJoin } from './routes-upload.js';
import { sendFile } from './send-file.js';

const MIME: Record<string, string> = {
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', jpe: 'image/jpeg', webp: 'image/webp', gif: 'image/gif',
  bmp: 'image/bmp', tif: 'image/tiff', tiff: 'image/tiff', ico: 'image/vnd.microsoft.icon', svg: 'image/svg+xml',
  avif: 'image/avif', json: 'application/json', txt: 'text/plain', mp4: 'video/mp4', webm: 'video/webm',
  mp3: 'audio/mpeg', wav: 'audio/x-wav', flac: 'audio/flac', gltf: 'model/gltf+json', glb: 'model/gltf-binary',
};
// Types ComfyUI refuses to let a browser render (forced download).
const FORCED_DOWNLOAD = new Set(['text/html', 'text/html-sandboxed', 'application/xhtml+xml', 'text/javascript', 'text/css', 'html', 'htm', 'js', 'css', 'xhtml']);

function guessType(filename: string): string {
  const ext = path.extname(filename).slice(1).toLowerCase();
  if (FORCED_DOWNLOAD.has(ext)) return 'application/octet-stream';
  return MIME[ext] ?? 'application/octet-stream';
}

export function registerViewRoutes(router: Router, ctx: RouteContext): void {
  router.add('GET', '/view', async (req, res) => {
    const q = req.query;
    const requested = q.get('filename');
    if (requested === null) {
      sendEmpty(res, 404);
      return;
    }
    const [name, annotatedDir] = annotatedFilepath(ctx.folders, requested);
    if (!name || name.startsWith('/') || name.includes('..')) {
      sendEmpty(res, 400);
      return;
    }
    const base = annotatedDir ?? directoryByType(ctx.folders, q.get('type') ?? 'output');
    if (base === undefined) {
      sendEmpty(res, 400);
      return;
    }
    let dir = base;
    const subfolder = q.get('subfolder');
    if (subfolder !== null) {
      const full = pyJoin(dir, subfolder);
      if (!isInside(dir, path.resolve(full))) {
        sendEmpty(res, 403);
        return;
      }
      dir = full;
    }
    const filename = path.posix.basename(name);
    const file = path.join(dir, filename);
    if (!realFileInside(base, file)) {
      sendEmpty(res, 404);
      return;
    }
    const disposition = `filename="${filename}"`;
    const channel = q.get('channel');
    const preview = q.get('preview');
    if (preview !== null) {
      const info = preview.split(';');
      let format = info[0] ?? '';
      if ((format !== 'webp' && format !== 'jpeg') || (channel ?? '').includes('a')) format = 'webp';
      const last = info[info.length - 1] ?? '';
      const quality = /^\d+$/.test(last) ? Math.min(100, Math.max(1, Number(last))) : 90;
      let img = sharp(readFileSync(file));
      if (format === 'jpeg' || channel === 'rgb') img = img.removeAlpha();
      const body = await (format === 'jpeg' ? img.jpeg({ quality }) : img.webp({ quality })).toBuffer();
      sendBinary(res, 200, body, { 'Content-Type': `image/${format}`, 'Content-Disposition': disposition });
      return;
    }
    if (channel === 'rgb') {
      const body = await sharp(readFileSync(file)).removeAlpha().png().toBuffer();
      sendBinary(res, 200, body, { 'Content-Type': 'image/png', 'Content-Disposition': disposition });
      return;
    }
    if (channel === 'a') {
      const src = sharp(readFileSync(file));
      const { width = 1, height = 1, hasAlpha } = await src.metadata();
      const rgba = Buffer.alloc(width * height * 4);
      if (hasAlpha) {
        const alpha = await src.ensureAlpha().extractChannel(3).raw().toBuffer();
        for (let p = 0; p < width * height; p++) rgba[p * 4 + 3] = alpha[p] ?? 255;
      } else {
        for (let p = 0; p < width * height; p++) rgba[p * 4 + 3] = 255;
      }
      const body = await sharp(rgba, { raw: { width, height, channels: 4 } }).png().toBuffer();
      sendBinary(res, 200, body, { 'Content-Type': 'image/png', 'Content-Disposition': disposition });
      return;
    }
    sendFile(req.raw, res, file, { 'Content-Type': guessType(filename), 'Content-Disposition': disposition });
  });
}

/** A regular file, not a symbolic link, whose real path is inside the folder: links never lead out of it. */
function realFileInside(base: string, file: string): boolean {
  try {
    if (!lstatSync(file).isFile()) return false;
    return isInside(realpathSync(base), realpathSync(file));
  } catch {
    return false;
  }
}
