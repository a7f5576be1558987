// A file reference from a caller (filename, subfolder) that is forwarded to ComfyUI's /view. ComfyUI has its own
// checks, but the gateway refuses anything path-like before it leaves, so no trick depends on ComfyUI's version.
import type { MessageKey } from '../i18n.js';

export interface PathProblem {
  key: MessageKey;
  params: Record<string, string>;
}

// Separators that arrive percent-encoded once more (`..%2f`, `%5c`) after the query string was decoded.
const ENCODED_SEPARATOR = /%(2f|5c|2e|00)/i;
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
  if (value.startsWith('/') || /^[a-z]:/i.test(value)) return unsafe(field, 'absolute path');
  return undefined;
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
