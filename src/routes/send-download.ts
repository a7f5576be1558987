// How a download goes out: as it is, with a content type only when it is a safe one, or converted while it streams.
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Context } from 'koa';
import { mimeOf } from '../outputs/classify.js';
import type { ConvertSpec } from '../outputs/convert-options.js';
import type { Converter } from '../outputs/convert.js';

/** Types a download may be served with as-is; anything else (HTML, scripts) goes out as an opaque download. */
const SAFE_TYPE = /^(image|video|audio)\/[\w.+-]+$|^application\/(octet-stream|json)$/;

/** Streams a download: the content type only when it is a safe one, never sniffed by the browser. */
export function sendFile(ctx: Context, contentType: string, body: Readable, length: number | undefined): void {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  ctx.type = SAFE_TYPE.test(type) ? contentType : 'application/octet-stream';
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.body = body;
  if (length !== undefined) ctx.length = length;
}

/**
 * Streams the converted file. Its length is not known before it is made; a picture that cannot be decoded cuts
 * the stream (the status is already sent). Animated WebP and GIF stay animated when they become WebP.
 */
export function sendConverted(ctx: Context, converter: Converter, source: Readable, filename: string, spec: ConvertSpec): void {
  const animated = spec.format === 'webp' && /^image\/(webp|gif)$/.test(mimeOf(filename));
  const name = `${path.basename(filename, path.extname(filename))}.${spec.format === 'jpeg' ? 'jpg' : spec.format}`;
  ctx.attachment(name, { type: 'inline' });
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.type = `image/${spec.format}`;
  ctx.body = converter.convert(source, spec, animated);
}
