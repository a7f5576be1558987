// The input store's bounds (images.input_store), on real files in a temporary folder with the store's clock in the
// test's hands: images unused past max_age_s go, the least recently used go first past max_bytes / max_files, and
// never one that a job holds, one being uploaded to a backend, or one used within min_age_s. A store started on a
// folder that already has images knows them and sends them when asked.
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from 'comfyui-sim';
import { createComfyClient, type ComfyClient } from '../../src/comfy/client.js';
import { holdJobInputs } from '../../src/images/hold-job-inputs.js';
import { createInputStore, type InputStore } from '../../src/images/input-store.js';
import { createJobTracker } from '../../src/jobs/tracker.js';
import type { CleanupLimits } from '../../src/images/input-cleanup.js';
import { createLogger } from '../../src/log.js';
import { startCountingProxy, type CountingProxy } from '../helpers/counting-proxy.js';
import { waitFor } from '../helpers/wait.js';

const log = createLogger({ log: { level: 'silent', pretty: false } });
const HOUR = 3_600_000;
const UPLOAD = 'POST /upload/image';

let shade = 0;
async function freshPng(): Promise<Buffer> {
  shade += 1;
  return sharp({ create: { width: 3, height: 3, channels: 3, background: { r: shade, g: 3, b: 255 - shade } } }).png().toBuffer();
}

describe('input store bounds', () => {
  let root: string;
  let clock = 0;
  let sim: Simulator;
  let proxy: CountingProxy;
  let client: ComfyClient;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'input-store-'));
    sim = await startSimulator({ port: 0 });
    proxy = await startCountingProxy(sim.url);
    client = createComfyClient({ url: proxy.url, connectTimeoutMs: 2000, requestTimeoutMs: 5000 });
  });
  afterAll(async () => {
    await client?.close();
    await proxy?.close();
    await sim?.close();
    await rm(root, { recursive: true, force: true });
  });

  let folders = 0;
  async function newStore(limits: Partial<CleanupLimits>, dir?: string): Promise<{ store: InputStore; dir: string }> {
    const folder = dir ?? path.join(root, `store-${++folders}`);
    const store = await createInputStore({
      dir: folder,
      maxPixels: 1_000_000,
      limits: { maxBytes: 1 << 30, maxFiles: 1000, maxAgeMs: 0, minAgeMs: HOUR, ...limits },
      sweepIntervalMs: 0,
      log,
      now: () => clock,
    });
    return { store, dir: folder };
  }

  /** Stages bytes beside the store (as the upload pipeline does) and keeps them by content. */
  async function put(store: InputStore, dir: string, bytes: Buffer): Promise<string> {
    const staging = path.join(dir, '.staging');
    await mkdir(staging, { recursive: true });
    const filepath = path.join(staging, `${++folders}`);
    await writeFile(filepath, bytes);
    return (await store.put({ filepath, originalFilename: null, size: bytes.length }, { by: 'content' }, 'en')).name;
  }

  async function images(dir: string): Promise<string[]> {
    return (await readdir(dir)).filter((name) => !name.startsWith('.')).sort();
  }

  it('removes images unused past max_age_s, except one a job holds, whose age starts again at its release', async () => {
    clock = 0;
    const { store, dir } = await newStore({ maxAgeMs: 24 * HOUR });
    const [a, b, c] = [await put(store, dir, await freshPng()), await put(store, dir, await freshPng()), await put(store, dir, await freshPng())];
    store.hold('job-1', [a!]);

    clock = 25 * HOUR;
    expect((await store.sweep()).sort()).toEqual([b, c].sort());
    expect(await images(dir)).toEqual([a]);

    store.release('job-1');
    expect(await store.sweep()).toEqual([]);
    clock = 50 * HOUR;
    expect(await store.sweep()).toEqual([a]);
    expect(await images(dir)).toEqual([]);
    expect([store.files, store.bytes]).toEqual([0, 0]);
    store.close();
  });

  it('a job holds the images its prompt names until the tracker says it ended', async () => {
    clock = 0;
    const { store, dir } = await newStore({ maxAgeMs: HOUR });
    const tracker = createJobTracker();
    const holds = holdJobInputs({ inputs: store, tracker });
    const [used, unused] = [await put(store, dir, await freshPng()), await put(store, dir, await freshPng())];
    tracker.record({ promptId: 'p1', clientId: undefined, scenario: undefined, submittedAt: 0, number: 1 });
    holds.hold('p1', { '1': { class_type: 'LoadImage', inputs: { image: used } } });

    clock = 10 * HOUR;
    expect(await store.sweep()).toEqual([unused]);
    tracker.apply('p1', { type: 'execution_success', data: { prompt_id: 'p1' } });
    clock = 12 * HOUR;
    expect(await store.sweep()).toEqual([used]);
    holds.stop();
    store.close();
  });

  it('past max_bytes the least recently used unheld image goes first; none used within min_age_s', async () => {
    clock = 0;
    const probe = await freshPng();
    const { store, dir } = await newStore({ maxBytes: probe.length * 2 + 10 });
    clock = 1 * HOUR;
    const a = await put(store, dir, probe);
    clock = 2 * HOUR;
    const b = await put(store, dir, await freshPng());
    store.hold('job-a', [a]);
    clock = 3 * HOUR + 1;
    // Over the cap: a is the oldest but held, so b goes; c was just kept (within min_age_s) and stays.
    const c = await put(store, dir, await freshPng());
    await store.sweep();
    expect(await images(dir)).toEqual([a, c].sort());
    expect(store.namesIn({ '1': { class_type: 'LoadImage', inputs: { image: b } } })).toEqual([]);

    // Everything held or young: nothing goes, even over the cap.
    const d = await put(store, dir, await freshPng());
    expect(await store.sweep()).toEqual([]);
    expect(await images(dir)).toEqual([a, c, d].sort());
    store.close();
  });

  it('past max_files the oldest go', async () => {
    clock = 0;
    const { store, dir } = await newStore({ maxFiles: 2, minAgeMs: 1000 });
    const kept: string[] = [];
    for (let i = 0; i < 4; i++) {
      clock += HOUR;
      kept.push(await put(store, dir, await freshPng()));
    }
    await store.sweep();
    expect(await images(dir)).toEqual(kept.slice(2).sort());
    store.close();
  });

  it('never removes an image while it is being uploaded to a backend', async () => {
    clock = 0;
    const { store, dir } = await newStore({ maxAgeMs: HOUR });
    const name = await put(store, dir, await freshPng());
    const before = proxy.count(UPLOAD);
    proxy.hold(UPLOAD);
    const sending = store.ensureOn({ name: 'slow', client }, [name]);
    try {
      await waitFor('the upload to reach the backend', () => proxy.count(UPLOAD) > before);
      clock = 10 * HOUR;
      expect(await store.sweep()).toEqual([]);
    } finally {
      proxy.release();
    }
    await sending;
    // Sent: its age counts from the send, and then it may go.
    clock = 20 * HOUR;
    expect(await store.sweep()).toEqual([name]);
    store.close();
  });

  it('a store started on a folder with images knows them and sends them on demand', async () => {
    clock = 0;
    const { store, dir } = await newStore({});
    const byContent = await put(store, dir, await freshPng());
    const byName = await freshPng();
    await writeFile(path.join(dir, 'left by an earlier run.png'), byName);
    await writeFile(path.join(dir, 'notes.txt'), 'not an image');
    store.close();

    const { store: restarted } = await newStore({}, dir);
    const prompt = {
      '1': { class_type: 'LoadImage', inputs: { image: 'left by an earlier run.png' } },
      '2': { class_type: 'LoadImage', inputs: { image: byContent } },
      '3': { class_type: 'LoadImage', inputs: { image: 'notes.txt' } },
    };
    expect(restarted.namesIn(prompt).sort()).toEqual(['left by an earlier run.png', byContent].sort());
    const before = proxy.count(UPLOAD);
    await restarted.ensureOn({ name: 'restarted', client }, restarted.namesIn(prompt));
    expect(proxy.count(UPLOAD)).toBe(before + 2);
    restarted.close();
  });
});
