// Keeps the gateway's copies of job outputs (output/<prompt_id>/, src/jobs/mirror.ts) within bounds: a prompt's
// folder is removed once it is older than `outputs.retention_h`, and the oldest go first while the folder holds
// more than `outputs.max_bytes`. A prompt whose outputs still wait for a delivery is never removed: its copy is
// the only one the gateway can count on. Only folders named like a prompt id are touched; anything else a user
// keeps in output/ stays.
import { lstat, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log.js';

const PROMPT_FOLDER = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export interface RetentionSettings {
  /** 0: kept forever. */
  retention_h: number;
  /** 0: no size cap. */
  max_bytes: number;
  sweep_interval_s: number;
}

export interface Retention {
  /** One pass now; the prompt ids removed. */
  sweep(): Promise<string[]>;
  stop(): void;
}

export function createRetention(deps: {
  outputDir: string;
  settings: RetentionSettings;
  /** A delivery still needs this prompt's copy. */
  needsCopy: (promptId: string) => boolean;
  log: Logger;
  now?: () => number;
}): Retention {
  const now = deps.now ?? Date.now;
  const { retention_h: hours, max_bytes: maxBytes } = deps.settings;
  let sweeping: Promise<string[]> | undefined;

  async function pass(): Promise<string[]> {
    const folders = await promptFolders(deps.outputDir);
    const removed: string[] = [];
    const cutoff = hours > 0 ? now() - hours * 3_600_000 : -Infinity;
    let total = folders.reduce((sum, folder) => sum + folder.bytes, 0);
    // Oldest first: expiry removes from the front, and so does the size cap.
    folders.sort((a, b) => a.newest - b.newest);
    for (const folder of folders) {
      const expired = folder.newest < cutoff;
      const overCap = maxBytes > 0 && total > maxBytes;
      if (!expired && !overCap) continue;
      if (deps.needsCopy(folder.promptId)) continue;
      await rm(folder.path, { recursive: true, force: true });
      total -= folder.bytes;
      removed.push(folder.promptId);
    }
    if (removed.length) deps.log.info({ removed: removed.length, bytes: total }, 'expired output copies removed');
    return removed;
  }

  const sweep = (): Promise<string[]> => {
    // One pass at a time: a slow disk must not stack passes on each other.
    sweeping ??= pass().finally(() => (sweeping = undefined));
    return sweeping;
  };
  const enabled = hours > 0 || maxBytes > 0;
  const timer = enabled
    ? setInterval(() => {
        sweep().catch((error: unknown) => deps.log.warn({ err: error }, 'output retention pass failed'));
      }, deps.settings.sweep_interval_s * 1000)
    : undefined;
  timer?.unref();
  return { sweep, stop: () => clearInterval(timer) };
}

interface PromptFolder {
  promptId: string;
  path: string;
  bytes: number;
  /** The newest modification inside it (ms): a folder is as old as its latest file. */
  newest: number;
}

async function promptFolders(outputDir: string): Promise<PromptFolder[]> {
  let entries;
  try {
    entries = await readdir(outputDir, { withFileTypes: true });
  } catch {
    return [];
  }
  const folders: PromptFolder[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || !PROMPT_FOLDER.test(entry.name)) continue;
    const full = path.join(outputDir, entry.name);
    folders.push({ promptId: entry.name, path: full, ...(await measure(full)) });
  }
  return folders;
}

/** Bytes and newest mtime under a folder; symbolic links are counted as themselves, never followed. */
async function measure(folder: string): Promise<{ bytes: number; newest: number }> {
  let bytes = 0;
  let newest = 0;
  const stack = [folder];
  while (stack.length) {
    const current = stack.pop()!;
    const stat = await lstat(current).catch(() => undefined);
    if (!stat) continue;
    newest = Math.max(newest, stat.mtimeMs);
    if (stat.isDirectory()) {
      for (const name of await readdir(current).catch(() => [] as string[])) stack.push(path.join(current, name));
    } else {
      bytes += stat.size;
    }
  }
  return { bytes, newest };
}
