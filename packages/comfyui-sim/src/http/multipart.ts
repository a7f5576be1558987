// request.post() for the upload route: multipart fields and files (busboy), or url-encoded fields.
// aiohttp counts field bytes against client_max_size and refuses with 413 once they pass it.
import busboy from 'busboy';
import { Readable } from 'node:stream';
import { BodyTooLarge } from './body.js';
import type { SimRequest } from './router.js';

export interface FilePart {
  filename: string;
  data: Buffer;
}

export type PostValue = string | FilePart;

export async function readPost(req: SimRequest, maxSize: number): Promise<Map<string, PostValue>> {
  const type = req.raw.headers['content-type'] ?? '';
  const fields = new Map<string, PostValue>();
  if (/^application\/x-www-form-urlencoded/i.test(type)) {
    for (const [k, v] of new URLSearchParams((await req.body()).toString('utf8'))) if (!fields.has(k)) fields.set(k, v);
    return fields;
  }
  if (!/^multipart\/form-data/i.test(type)) return fields;
  // Multipart overhead does not count, so read a little past the limit before parsing.
  const body = await req.body(maxSize + 65536);
  let size = 0;
  const count = (n: number): void => {
    size += n;
    if (size > maxSize) throw new BodyTooLarge(maxSize, size);
  };
  await new Promise<void>((resolve, reject) => {
    const bb = busboy({ headers: req.raw.headers, defParamCharset: 'utf8' });
    bb.on('field', (name, value) => {
      try {
        count(Buffer.byteLength(value));
        if (!fields.has(name)) fields.set(name, value);
      } catch (e) {
        reject(e as Error);
      }
    });
    bb.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => {
        try {
          count(c.length);
          chunks.push(c);
        } catch (e) {
          reject(e as Error);
        }
      });
      stream.on('end', () => {
        if (!fields.has(name)) fields.set(name, { filename: info.filename ?? '', data: Buffer.concat(chunks) });
      });
    });
    bb.on('close', () => resolve());
    bb.on('error', (e) => reject(e as Error));
    Readable.from([body]).pipe(bb);
  });
  return fields;
}
