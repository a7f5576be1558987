// The name an upload is stored under, in ComfyUI's input folder and in ours. A caller's file name is only a hint:
// it must never choose a directory, hide a file, smuggle an annotation (`x.png [output]` makes LoadImage read
// another folder) or a Windows device name, and its extension must match the bytes we actually received.
import { randomUUID } from 'node:crypto';

/** Most file systems cap a name at 255 bytes; leave room for ComfyUI's " (12)" clash suffix. */
const MAX_NAME_BYTES = 200;
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com\d|lpt\d)$/i;
/** Letters and digits of any script, combining marks, and a few harmless punctuation marks. */
const UNSAFE_CHAR = /[^\p{L}\p{M}\p{N} ._\-()+@,=~]/gu;

/**
 * A safe base name for an upload whose content was sniffed as `ext` (one of `allowedExtensions`, the first being
 * the canonical one). Falls back to a generated name when nothing usable is left.
 */
export function safeUploadName(original: string | null | undefined, allowedExtensions: readonly string[]): string {
  const canonical = allowedExtensions[0] ?? 'bin';
  // Browsers on Windows used to send the full path: keep only the last segment, whichever separator it used.
  const base = (original ?? '').split(/[/\\]/).pop() ?? '';
  let name = base
    .normalize('NFC')
    .replace(UNSAFE_CHAR, '_')
    .replace(/\.{2,}/g, '.')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.]+|[\s.]+$/g, '');

  const dot = name.lastIndexOf('.');
  let stem = dot > 0 ? name.slice(0, dot) : name;
  const extension = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  // A wrong extension that looks like one (photo.jpg holding a PNG) is replaced; anything else stays in the stem.
  if (dot > 0 && !/^[a-z0-9]{1,5}$/.test(extension)) stem = name;
  const keptExtension = allowedExtensions.includes(extension) ? extension : canonical;

  stem = truncateBytes(stem.replace(/[\s.]+$/g, ''), MAX_NAME_BYTES);
  if (WINDOWS_DEVICE.test(stem)) stem = `_${stem}`;
  if (!/[\p{L}\p{N}]/u.test(stem)) stem = `upload-${randomUUID().slice(0, 8)}`;
  name = `${stem}.${keptExtension}`;
  return name;
}

function truncateBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let out = '';
  for (const char of text) {
    if (Buffer.byteLength(out + char) > maxBytes) break;
    out += char;
  }
  return out;
}
