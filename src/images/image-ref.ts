// A file reference from a caller (filename, subfolder) that is forwarded to ComfyUI's /view. ComfyUI has its own
// checks, but the gateway refuses anything path-like before it leaves, so no trick depends on ComfyUI's version.
import type { MessageKey } from '../i18n.js';

export interface PathProblem {
  key: MessageKey;
  params: Record<string, string>;
}

// Anything still percent-encoded after the query string was decoded (`..%2f`, `%252e`, overlong `%c0%ae`, IIS
// `%u2215`): a layer that decodes once more would turn it into a separator, and no real file name needs it.
const ENCODED_SEPARATOR = /%([0-9a-f]{2}|u[0-9a-f]{4})/i;
// Slashes and dots in disguise: characters whose compatibility form (NFKC) holds a `.`, `/` or `\` (U+FF0F, U+FF0E,
// U+2024, U+2026…), and slash-like symbols without one (U+2215, U+2044, U+29F8, U+2216, U+FE68). A file system or
// a later normalisation could read them as the real thing.
const LOOKALIKE_SLASH = /[\u2215\u2044\u29f8\u29f9\u2216\ufe68\uff0f\uff3c]/u;
// Control characters (C0, DEL, C1), NUL included.
const CONTROL = /\p{Cc}/u;

function unsafe(field: string, why: string): PathProblem {
  return { key: 'reason.unsafe_path', params: { field, why } };
}

function commonProblems(field: string, value: string): PathProblem | undefined {
  if (value.includes('\u0000')) return unsafe(field, 'NUL');
  if (CONTROL.test(value)) return unsafe(field, 'control character');
  if (value.includes('\\')) return unsafe(field, 'backslash');
  if (ENCODED_SEPARATOR.test(value)) return unsafe(field, 'encoded separator');
  if (LOOKALIKE_SLASH.test(value) || hasLookalikeDot(value)) return unsafe(field, 'look-alike separator or dot');
  if (value.startsWith('/') || /^[a-z]:/i.test(value)) return unsafe(field, 'absolute path');
  return undefined;
}

function hasLookalikeDot(value: string): boolean {
  for (const char of value) {
    if (char.charCodeAt(0) > 0x7f && /[./\\]/.test(char.normalize('NFKC'))) return true;
  }
  return false;
}

/** undefined when the reference is safe to forward. `subfolder` may be empty; `filename` is non-empty. */
export function findPathProblem(filename: string, subfolder: string): PathProblem | undefined {
  const fileProblem = commonProblems('filename', filename);
  if (fileProblem) return fileProblem;
  // ComfyUI refuses ".." anywhere in a file name (also "a..b.png"); so do we, with a clearer message.
  if (filename.includes('..')) return unsafe('filename', '..');
  if (filename.includes('/')) return { key: 'reason.filename_has_dir', params: {} };

  const folderProblem = commonProblems('subfolder', subfolder);
  if (folderProblem) return folderProblem;
  if (subfolder.split('/').some((segment) => segment === '..' || segment === '.')) return unsafe('subfolder', '..');
  return undefined;
}
