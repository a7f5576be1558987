// Retention on a real folder: expired prompt copies go, the size cap removes the oldest first, a copy a delivery
// still needs stays whatever its age, and folders not named like a prompt are never touched.
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log.js';
import { createRetention } from '../../../src/outputs/retention.js';

const log = createLogger({ log: { level: 'silent', pretty: false } });
const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 11, 2, 12);
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('output retention', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'retention-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  /** output/<id>/sub/file of `bytes` bytes, last modified `ageH` hours before NOW. */
  async function copy(name: string, ageH: number, bytes: number): Promise<void> {
    const folder = path.join(dir, name, 'sub');
    await mkdir(folder, { recursive: true });
    const file = path.join(folder, 'a.png');
    await writeFile(file, Buffer.alloc(bytes));
    const at = new Date(NOW - ageH * HOUR);
    for (const target of [file, folder, path.join(dir, name)]) await utimes(target, at, at);
  }

  it('removes copies older than retention_h, except one a delivery still needs, and leaves other folders alone', async () => {
    await copy(id(1), 30, 10);
    await copy(id(2), 30, 10);
    await copy(id(3), 1, 10);
    await copy('my-own-folder', 300, 10);
    const retention = createRetention({
      outputDir: dir,
      settings: { retention_h: 24, max_bytes: 0, sweep_interval_s: 3600 },
      needsCopy: (promptId) => promptId === id(2),
      log,
      now: () => NOW,
    });
    try {
      expect(await retention.sweep()).toEqual([id(1)]);
      expect((await readdir(dir)).sort()).toEqual([id(2), id(3), 'my-own-folder'].sort());
    } finally {
      retention.stop();
    }
  });

  it('keeps the folder under max_bytes by removing the oldest copies first', async () => {
    await copy(id(1), 5, 400);
    await copy(id(2), 4, 400);
    await copy(id(3), 3, 400);
    await copy(id(4), 2, 400);
    const retention = createRetention({
      outputDir: dir,
      settings: { retention_h: 0, max_bytes: 900, sweep_interval_s: 3600 },
      needsCopy: (promptId) => promptId === id(1),
      log,
      now: () => NOW,
    });
    try {
      // 1600 bytes: id(1) is needed, so id(2) and id(3) go, leaving 800.
      expect(await retention.sweep()).toEqual([id(2), id(3)]);
      expect((await readdir(dir)).sort()).toEqual([id(1), id(4)]);
      expect(await retention.sweep()).toEqual([]);
    } finally {
      retention.stop();
    }
  });
});
