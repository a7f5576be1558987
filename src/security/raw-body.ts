// A signature covers the body's bytes, so the signature guard reads them before the body parser does. The bytes
// are read once from the socket, then handed on as a stream that replays them: koa-body (co-body, formidable)
// and any route reading `ctx.req` see the same request, without a second network read or a second parse.
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { Context } from 'koa';
import { fail } from '../errors.js';
import { formatBytes } from '../http/format-bytes.js';

export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && Number(length) > 0);
}

/** Reads the whole body (413 past `limitBytes`) and replaces `ctx.req` with a replay of it. */
export async function bufferBody(ctx: Context, limitBytes: number): Promise<Buffer> {
  const req = ctx.req;
  if (!hasBody(req)) return Buffer.alloc(0);
  if (Number(req.headers['content-length']) > limitBytes) throw fail.tooLarge(formatBytes(limitBytes));
  const body = await readAll(req, limitBytes);
  ctx.req = replay(req, body);
  return body;
}

function readAll(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > limitBytes) {
        // Stop reading but leave the socket alone, so the 413 can still be answered.
        cleanup();
        req.pause();
        reject(fail.tooLarge(formatBytes(limitBytes)));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, total));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(fail.badRequest(`request body could not be read (${error.message})`));
    };
    const onAborted = () => onError(new Error('the client aborted the request'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

/** What readers of a request use besides its bytes; all of it still comes from the real request. */
const forwarded = ['headers', 'rawHeaders', 'trailers', 'method', 'url', 'httpVersion', 'socket', 'connection', 'complete'];

function replay(original: IncomingMessage, body: Buffer): IncomingMessage {
  // emitClose: false, because 'close' on a request means the client went away; that still comes from the socket.
  const stream = new Readable({ read() {}, emitClose: false });
  stream.push(body);
  stream.push(null);
  for (const name of forwarded) {
    Object.defineProperty(stream, name, {
      get: () => (original as unknown as Record<string, unknown>)[name],
      enumerable: true,
    });
  }
  original.once('close', () => stream.emit('close'));
  return stream as unknown as IncomingMessage;
}
