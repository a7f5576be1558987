// Reads a manifest or workflow only when it is a real file inside its folder. A FIFO would block open() forever
// (and with it every later reload and the shutdown); a device could be read without end; a symbolic link may point
// anywhere, and its target's first bytes would come back in a parse error. Each of these is a problem reported
// for that file, never a read.
import { constants } from 'node:fs';
import { lstat, open, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { MessageKey } from '../i18n.js';

/** Why a file was not read, as a catalogue message that completes the sentence "<file> …". */
export interface RefusalReason {
  key: MessageKey;
  params?: Record<string, string | number>;
}

export type RegularFileRead =
  | { kind: 'gone' }
  | { kind: 'refused'; reason: RefusalReason }
  | { kind: 'too-large'; size: number }
  /** `stable` is false when the file changed while it was read (an editor mid-save). */
  | { kind: 'read'; text: string; stable: boolean };

export async function readRegularFile(file: string, folder: string, maxBytes: number): Promise<RegularFileRead> {
  let link;
  try {
    link = await lstat(file);
  } catch {
    return { kind: 'gone' };
  }
  let target = file;
  try {
    target = await realpath(file);
    const root = await realpath(folder);
    const rel = path.relative(root, target);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
      return { kind: 'refused', reason: { key: link.isSymbolicLink() ? 'file.link_outside' : 'file.outside' } };
    }
  } catch {
    // A dangling link, or the file went away between the two calls.
    return link.isSymbolicLink() ? { kind: 'refused', reason: { key: 'file.link_dangling' } } : { kind: 'gone' };
  }

  let handle;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer. O_NOFOLLOW: the path was resolved above.
    handle = await open(target, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'gone' };
    return { kind: 'refused', reason: { key: 'file.cannot_open', params: { code: code ?? String(error) } } };
  }
  try {
    const before = await handle.stat();
    if (!before.isFile()) {
      return { kind: 'refused', reason: { key: notRegular(before) } };
    }
    if (before.size > maxBytes) return { kind: 'too-large', size: before.size };
    const text = await handle.readFile('utf8');
    const after = await handle.stat();
    const stable = after.mtimeMs === before.mtimeMs && after.size === before.size && Buffer.byteLength(text) === after.size;
    return { kind: 'read', text, stable };
  } finally {
    await handle.close();
  }
}

function notRegular(stats: { isFIFO(): boolean; isDirectory(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): MessageKey {
  if (stats.isFIFO()) return 'file.fifo';
  if (stats.isDirectory()) return 'file.folder';
  if (stats.isSocket()) return 'file.socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'file.device';
  return 'file.not_regular';
}
