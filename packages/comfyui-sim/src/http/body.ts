// Request bodies with aiohttp's client_max_size: a body that reaches the limit is refused with 413.
// The rest of an oversized body is still read (and dropped) so the client sees the 413, not a reset.
import type { IncomingMessage } from 'node:http';

export class BodyTooLarge extends Error {
  constructor(readonly maxSize: number, readonly actualSize: number) {
    super(`Maximum request body size ${maxSize} exceeded, actual body size ${actualSize}`);
  }
}

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size >= limit) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => (tooLarge ? reject(new BodyTooLarge(limit, size)) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}
