// Reads a JSON request body: its Content-Encoding undone (gzip, deflate, br), at most `limitBytes` once decoded,
// strict UTF-8 (a body that is not UTF-8 is refused, never read with replacement characters), then parsed. Every
// way this can go wrong is the caller's and is answered with a 4xx that says which header or byte is at fault.
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Context } from 'koa';
import { fail } from '../errors.js';
import { message } from '../i18n.js';
import { formatBytes } from './format-bytes.js';

const DECODERS: Record<string, (() => NodeJS.ReadWriteStream) | undefined> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/** The stream of the body's bytes after its Content-Encoding; 415 for an encoding the gateway does not read. */
export function decodedBody(req: IncomingMessage): Readable {
  const encoding = contentEncoding(req);
  if (encoding === 'identity') return req;
  const create = DECODERS[encoding];
  if (!create) {
    throw fail.unsupportedEncoding(message('body.encoding_unknown', { encoding }));
  }
  const decoder = create();
  req.pipe(decoder);
  return decoder as unknown as Readable;
}

/** The body's one Content-Encoding, lower case; `identity` when there is none. */
export function contentEncoding(req: IncomingMessage): string {
  const header = (req.headers['content-encoding'] ?? '').trim().toLowerCase();
  return header === '' ? 'identity' : header;
}

/** JSON is UTF-8 (RFC 8259): a charset parameter may only say so. */
export function checkJsonCharset(contentType: string): void {
  const match = /;\s*charset\s*=\s*("?)([^";]*)\1/i.exec(contentType);
  if (!match) return;
  const charset = (match[2] ?? '').trim().toLowerCase();
  if (charset !== 'utf-8' && charset !== 'utf8') {
    throw fail.unsupportedEncoding(message('body.charset', { charset: match[2] ?? '' }));
  }
}

/** Reads and parses the body; `{}` for an empty one. Only objects and arrays are accepted at the top. */
export async function readJsonBody(ctx: Context, limitBytes: number): Promise<unknown> {
  checkJsonCharset(ctx.get('content-type'));
  const declared = Number(ctx.get('content-length'));
  if (contentEncoding(ctx.req) === 'identity' && declared > limitBytes) throw fail.tooLarge(formatBytes(limitBytes));
  const bytes = await readLimited(decodedBody(ctx.req), ctx.req, limitBytes);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw fail.badBodyEncoding(message('body.not_utf8'));
  }
  if (text.trim() === '') return {};
  const first = /\S/.exec(text)?.[0];
  if (first !== '{' && first !== '[') throw fail.invalidJson(message('body.top_level'));
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw fail.invalidJson(error instanceof Error ? error.message : String(error));
  }
}

function readLimited(stream: Readable, req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let done = false;
    // The listeners stay attached after the end: a decoder may still report an error, which must not go unheard.
    const settle = (error?: Error) => {
      if (done) return;
      done = true;
      if (error) {
        chunks.length = 0;
        if (stream !== req) req.unpipe();
        // Stop reading but leave the socket alone, so that the refusal can still be answered.
        req.pause();
        reject(error);
      } else resolve(Buffer.concat(chunks, total));
    };
    stream.on('data', (chunk: Buffer) => {
      if (done) return;
      total += chunk.length;
      if (total > limitBytes) settle(fail.tooLarge(formatBytes(limitBytes)));
      else chunks.push(chunk);
    });
    stream.on('end', () => settle());
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (stream !== req && typeof error.code === 'string' && error.code.startsWith('Z_')) {
        settle(fail.badBodyEncoding(message('body.not_decodable', { encoding: contentEncoding(req), detail: error.code })));
      } else settle(fail.badRequest(message('body.unreadable', { detail: error.message })));
    });
    req.on('aborted', () => settle(fail.badRequest(message('body.aborted'))));
    if (stream !== req) req.on('error', (error) => settle(fail.badRequest(message('body.unreadable', { detail: error.message }))));
  });
}
