// Response shapes the real server (aiohttp) produces: json_response, a bare web.Response(status=N)
// (empty body, application/octet-stream), aiohttp's plain-text error pages.
import type { ServerResponse } from 'node:http';
import { pyJson } from '../py-json.js';

export const SERVER_HEADER = 'Python/3.11 aiohttp/3.8.4';

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  sendRawJson(res, status, pyJson(value));
}

export function sendRawJson(res: ServerResponse, status: number, text: string): void {
  const body = Buffer.from(text, 'utf8');
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length });
  res.end(body);
}

export function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'Content-Type': 'application/octet-stream', 'Content-Length': 0 });
  res.end();
}

export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  const body = Buffer.from(text, 'utf8');
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length, ...headers });
  res.end(body);
}

/** What aiohttp answers when a handler raises: a 500 page, and the connection is closed. */
export function sendServerError(res: ServerResponse): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendText(res, 500, '500 Internal Server Error\n\nServer got itself in trouble', { Connection: 'close' });
}

export function sendBinary(res: ServerResponse, status: number, body: Buffer, headers: Record<string, string | number>): void {
  res.writeHead(status, { 'Content-Length': body.length, ...headers });
  res.end(body);
}
