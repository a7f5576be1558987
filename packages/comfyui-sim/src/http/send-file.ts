// aiohttp's FileResponse: ETag "<mtime_ns hex>-<size hex>", Last-Modified, Accept-Ranges,
// conditional GET (304), single byte ranges (206 / 416). HEAD gets the same headers and no body.
import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';

export function sendFile(req: IncomingMessage, res: ServerResponse, file: string, headers: Record<string, string>): void {
  const st = statSync(file, { bigint: true });
  const size = Number(st.size);
  const etag = `"${st.mtimeNs.toString(16)}-${size.toString(16)}"`;
  const lastModified = new Date(Number(st.mtimeMs)).toUTCString();
  const base = { ...headers, 'Accept-Ranges': 'bytes', ETag: etag, 'Last-Modified': lastModified };

  const inm = req.headers['if-none-match'];
  const ims = req.headers['if-modified-since'];
  if ((inm && inm.split(',').some((t) => t.trim() === etag || t.trim() === '*')) ||
      (!inm && ims && Math.floor(Number(st.mtimeMs) / 1000) <= Math.floor(Date.parse(ims) / 1000))) {
    res.writeHead(304, { ETag: etag, 'Last-Modified': lastModified });
    res.end();
    return;
  }

  let start = 0;
  let end = size - 1;
  let status = 200;
  const range = req.headers.range;
  const m = range ? /^bytes=(\d*)-(\d*)$/.exec(range.trim()) : null;
  if (m && (m[1] !== '' || m[2] !== '')) {
    if (m[1] === '') {
      start = Math.max(0, size - Number(m[2]));
    } else {
      start = Number(m[1]);
      if (m[2] !== '') end = Math.min(size - 1, Number(m[2]));
    }
    if (start >= size || start > end) {
      res.writeHead(416, { 'Content-Range': `bytes */${size}`, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': 0 });
      res.end();
      return;
    }
    status = 206;
  }
  const length = size === 0 ? 0 : end - start + 1;
  res.writeHead(status, {
    ...base,
    'Content-Length': length,
    ...(status === 206 ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}),
  });
  if (req.method === 'HEAD' || length === 0) {
    res.end();
    return;
  }
  createReadStream(file, { start, end }).pipe(res);
}
