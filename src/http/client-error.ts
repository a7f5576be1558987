// Requests Node's HTTP parser refuses before any middleware runs (a method token it does not know, broken header
// lines, headers past the size limit) would get Node's bare text answer. The envelope goes out instead, written
// straight to the socket because there is no request object to answer through.
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { fail } from '../errors.js';
import type { Locale } from '../i18n.js';
import { toEnvelope } from './error-middleware.js';

export function answerClientError(locale: Locale): (error: NodeJS.ErrnoException, socket: Duplex) => void {
  return (error, socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    // A slow client (headers_timeout_ms / request_timeout_ms) hears 408; anything Node could not parse is a 400
    // whose reason names the cause.
    const refusal = error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? fail.requestTimeout()
      : fail.badRequest(error.code === 'HPE_HEADER_OVERFLOW'
        ? 'the request line and headers are larger than the server accepts (16 KiB)'
        : `the request is not valid HTTP/1.1 (${error.code ?? 'parse error'})`);
    const status = refusal.status;
    const body = JSON.stringify(toEnvelope(refusal, locale));
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Bad Request'}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  };
}
