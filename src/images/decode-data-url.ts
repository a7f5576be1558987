// An image value that carries its bytes inline: a data URL, or bare base64. Recognised by shape only; whether the
// bytes are an image is judged afterwards by the upload pipeline (magic number, pixel limit), never by the claim.

export type InlineImage =
  | { kind: 'data-url'; bytes: Buffer }
  | { kind: 'base64'; bytes: Buffer }
  /** A data URL that is not `data:<type>;base64,<data>`: the caller meant inline bytes, so say how to send them. */
  | { kind: 'bad-data-url' };

/**
 * A value this long cannot be a file name (file systems stop at 255 bytes), so a long run of base64 characters is
 * unambiguous: it is the image itself. Shorter base64 is not guessed at: it could be a name like `abc123`.
 */
export const MIN_BASE64_LENGTH = 256;

const DATA_URL = /^data:([\w.+-]+\/[\w.+-]+)?((?:;[\w.+-]+=[^;,]*)*);base64,/i;
// Standard and URL-safe alphabets (Node's base64 decoder reads both); line breaks of MIME-wrapped base64 too.
const BASE64 = /^[A-Za-z0-9+/\-_\r\n]+={0,2}$/;

export function decodeInlineImage(value: string): InlineImage | undefined {
  if (/^data:/i.test(value)) {
    const match = DATA_URL.exec(value);
    if (!match) return { kind: 'bad-data-url' };
    const payload = value.slice(match[0].length).trim();
    if (!payload || !BASE64.test(payload)) return { kind: 'bad-data-url' };
    return { kind: 'data-url', bytes: Buffer.from(payload, 'base64') };
  }
  if (value.length > MIN_BASE64_LENGTH && BASE64.test(value)) {
    return { kind: 'base64', bytes: Buffer.from(value, 'base64') };
  }
  return undefined;
}
