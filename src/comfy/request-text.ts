// One HTTP call whose answer is read whole as text: the undici dispatcher's own handler interface, without the body
// stream, async resource and abort-signal wiring that `request()` sets up for each call. Every ComfyUI call except
// /view (which streams) is of this kind, one per job at least, and undici was the largest single package in a sync
// job's profile.
import type { Dispatcher } from 'undici';

export interface TextAnswer {
  statusCode: number;
  /** The Content-Type header; empty when there is none. */
  contentType: string;
  text: string;
}

/**
 * Sends the request and reads the answer; rejects with undici's own error (refused, reset, headers or body
 * timeout) or, when `timeoutMs` passes first, with a `TimeoutError` (the call is aborted then, or as soon as it
 * reaches a connection).
 */
export function requestText(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions, timeoutMs: number): Promise<TextAnswer> {
  return new Promise((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let settled = false;
    let timedOut: Error | undefined;
    let statusCode = 0;
    let contentType = '';
    const chunks: Buffer[] = [];
    const settle = (error: Error | undefined, answer?: TextAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(answer as TextAnswer);
    };
    const timer = setTimeout(() => {
      timedOut = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
      controller?.abort(timedOut);
      settle(timedOut);
    }, timeoutMs).unref();

    dispatcher.dispatch(options, {
      onRequestStart(started) {
        controller = started;
        if (timedOut) started.abort(timedOut);
      },
      onResponseStart(_controller, status, headers) {
        statusCode = status;
        const type = headers['content-type'];
        contentType = Array.isArray(type) ? (type[0] ?? '') : (type ?? '');
      },
      onResponseData(_controller, chunk) {
        chunks.push(chunk);
      },
      onResponseEnd() {
        settle(undefined, { statusCode, contentType, text: Buffer.concat(chunks).toString('utf8') });
      },
      onResponseError(_controller, error) {
        settle(error);
      },
    });
  });
}
