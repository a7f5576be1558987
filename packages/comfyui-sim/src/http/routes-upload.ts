// POST /upload/image (server.py image_upload): folder by type, traversal refused with 400, an existing
// name either kept (same sha256: nothing written) or renamed "name (1).ext", unless overwrite is "true"/"1".
import { createHash } from 'node:crypto';
import { closeSync, constants, existsSync, lstatSync, mkdirSync, openSync, readFileSync, realpathSync, writeSync } from 'node:fs';
import path from 'node:path';
import { isInside } from '../paths.js';
import { PyError } from '../py.js';
import type { RouteContext } from './context.js';
import { readPost, type PostValue } from './multipart.js';
import { sendEmpty, sendJson } from './respond.js';
import type { Router } from './router.js';

/** os.path.join: an absolute component replaces what came before. */
export function pyJoin(a: string, b: string): string {
  return b.startsWith('/') ? b : path.join(a, b);
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

function asText(v: PostValue | undefined, fallback: string): string {
  if (v === undefined) return fallback;
  if (typeof v !== 'string') throw new PyError('TypeError', 'expected str, bytes or os.PathLike object, not FileField');
  return v;
}

export function registerUploadRoutes(router: Router, ctx: RouteContext): void {
  router.add('POST', '/upload/image', async (req, res) => {
    const post = await readPost(req, ctx.maxUploadSize);
    const image = post.get('image');
    const overwrite = post.get('overwrite');
    const type = post.get('type') ?? 'input';
    // get_dir_by_type leaves its result unbound for any other type: UnboundLocalError, a 500.
    if (type !== 'input' && type !== 'temp' && type !== 'output') throw new PyError('UnboundLocalError', 'type_dir');
    const uploadDir = ctx.folders[type];
    if (image === undefined || image === '') {
      sendEmpty(res, 400);
      return;
    }
    if (typeof image === 'string') throw new PyError('AttributeError', "'str' object has no attribute 'file'");
    let filename = image.filename;
    if (!filename) {
      sendEmpty(res, 400);
      return;
    }
    const subfolder = asText(post.get('subfolder'), '');
    const folder = pyJoin(uploadDir, path.posix.normalize(subfolder));
    let filepath = path.resolve(pyJoin(folder, filename));
    if (!isInside(uploadDir, filepath)) {
      sendEmpty(res, 400);
      return;
    }
    if (!existsSync(folder)) mkdirSync(folder, { recursive: true });
    // A linked folder or file must not carry the upload out of the folder.
    if (!isInside(realpathSync(uploadDir), realpathSync(folder))) {
      sendEmpty(res, 400);
      return;
    }
    const ext = path.extname(filename);
    const stem = filename.slice(0, filename.length - ext.length);
    let duplicate = false;
    if (overwrite !== 'true' && overwrite !== '1') {
      for (let i = 1; existsSync(filepath) && !isLink(filepath); i++) {
        if (sha256(readFileSync(filepath)) === sha256(image.data)) {
          duplicate = true;
          break;
        }
        filename = `${stem} (${i})${ext}`;
        filepath = pyJoin(folder, filename);
      }
    }
    if (isLink(filepath)) {
      sendEmpty(res, 400);
      return;
    }
    if (!duplicate) writeNoFollow(filepath, image.data);
    sendJson(res, 200, { name: filename, subfolder, type });
  });
}

function isLink(file: string): boolean {
  return lstatSync(file, { throwIfNoEntry: false })?.isSymbolicLink() ?? false;
}

/** Written through a descriptor opened with O_NOFOLLOW: a link put in place meanwhile is refused, not followed. */
function writeNoFollow(file: string, data: Buffer): void {
  const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o644);
  try {
    for (let written = 0; written < data.length; ) written += writeSync(fd, data, written);
  } finally {
    closeSync(fd);
  }
}
