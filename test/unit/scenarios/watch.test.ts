// The watcher on its own, with a registry that only records what it is handed: a burst of writes is one update
// naming the file, a temp-file-then-rename save names the target, and dot files and editor droppings are ignored.
import { mkdtemp, open, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log.js';
import type { ScenarioRegistry } from '../../../src/scenarios/registry.js';
import { watchScenarios, type ScenarioWatcher } from '../../../src/scenarios/watch.js';
import { waitFor } from '../../helpers/wait.js';

describe('scenario watcher', () => {
  let dir: string;
  let watcher: ScenarioWatcher;
  let updates: string[][];

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'watch-test-'));
    updates = [];
    const registry = {
      update: (files: Iterable<string>) => void updates.push([...files].map((file) => path.basename(file)).sort()),
      load: () => void updates.push(['<all>']),
    } as unknown as ScenarioRegistry;
    watcher = watchScenarios({ folders: [dir], registry, debounceMs: 50, log: createLogger({ log: { level: 'silent', pretty: false } }) });
    await watcher.ready;
  });
  afterEach(async () => {
    await watcher.close();
    await rm(dir, { recursive: true, force: true });
  });

  const settled = async () => {
    await waitFor('an update', async () => (updates.length ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 120));
  };

  it('hands a burst of writes over once, after the quiet period', async () => {
    const handle = await open(path.join(dir, 'a.yaml'), 'w');
    for (let i = 0; i < 5; i++) {
      await handle.write(`line${i}: ${i}\n`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await handle.close();
    await settled();
    expect(updates).toEqual([['a.yaml']]);
  });

  it('names the target of a temp-file-then-rename save, and ignores dot files and editor droppings', async () => {
    await writeFile(path.join(dir, '.a.yaml.swp'), 'x');
    await writeFile(path.join(dir, 'a.yaml~'), 'x');
    await writeFile(path.join(dir, '4913'), 'x');
    await writeFile(path.join(dir, '.b.yaml'), 'x');
    await rename(path.join(dir, '.b.yaml'), path.join(dir, 'b.yaml'));
    await settled();
    expect(updates).toEqual([['b.yaml']]);
  });
});
