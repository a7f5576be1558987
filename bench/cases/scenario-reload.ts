// How fast an edited manifest becomes a live route, with 1, 100 and 1,000 scenarios loaded, and how long the
// gateway takes to start with 1,000. The real gateway and watcher, on a temp folder; a benchmark, not a test.
// `tsx bench/cases/scenario-reload.ts` prints the table; `run()` returns the rows for the bench runner.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../../src/config.js';
import { startGateway } from '../../src/server.js';
import { round, summarize, type BenchCase, type BenchRow } from '../lib.js';

const EDITS = 20;
const workflow = JSON.stringify({
  '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 0 } },
  '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: 'bench' } },
});
const manifest = (width: number) => `summary: bench
workflow: bench.json
fields:
  width: { type: integer, minimum: 1, default: ${width}, to: 1.inputs.width }
  color: { type: integer, minimum: 0, default: 0, to: 1.inputs.color }
`;

async function scenarioSet(count: number): Promise<BenchRow[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'scenario-bench-'));
  const rows: BenchRow[] = [];
  try {
    await mkdir(path.join(dir, 'scenarios'));
    await mkdir(path.join(dir, 'templates'));
    await writeFile(path.join(dir, 'templates', 'bench.json'), workflow);
    for (let i = 0; i < count; i++) await writeFile(path.join(dir, 'scenarios', `s${i}.yaml`), manifest(1 + (i % 100)));
    const config = loadConfig({
      cwd: dir,
      env: {},
      overrides: {
        server: { host: '127.0.0.1', port: 0 },
        // Nothing listens there: the object_info check fails fast and the reload path is measured alone.
        comfyui: { url: 'http://127.0.0.1:9' },
        scenarios: { watch: true, debounce_ms: 20 },
        log: { level: 'silent' },
      },
    });
    const started = performance.now();
    const gateway = await startGateway(config);
    const startMs = performance.now() - started;
    if (gateway.registry.current().scenarios.size !== count) throw new Error('not every bench scenario loaded');
    rows.push({ case: 'scenario-reload', metric: `start-up with ${count} scenario(s)`, value: round(startMs, 1), unit: 'ms' });

    const samples: number[] = [];
    try {
      for (let edit = 0; edit < EDITS; edit++) {
        const width = 1000 + edit;
        const t0 = performance.now();
        await writeFile(path.join(dir, 'scenarios', 's0.yaml'), manifest(width));
        for (;;) {
          const response = await fetch(`${gateway.url}/api/v1/scenarios/s0?dry_run=true`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{}',
          });
          const answer = (await response.json()) as { data?: { params?: { width?: number } } };
          if (answer.data?.params?.width === width) break;
          if (performance.now() - t0 > 10_000) throw new Error(`edit ${edit} never went live`);
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
        samples.push(performance.now() - t0);
      }
    } finally {
      await gateway.close();
    }
    const stats = summarize(samples);
    rows.push(
      { case: 'scenario-reload', metric: `edit → live, p50, ${count} loaded`, value: round(stats.p50, 1), unit: 'ms' },
      { case: 'scenario-reload', metric: `edit → live, p95, ${count} loaded`, value: round(stats.p95, 1), unit: 'ms' },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const count of [1, 100, 1000]) rows.push(...(await scenarioSet(count)));
  return rows;
}

export const scenarioReload: BenchCase = {
  name: 'scenario-reload',
  description: `manifest written → route answering (p50/p95 over ${EDITS} edits) with 1, 100, 1000 scenarios; start-up time`,
  run,
};

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  run().then(
    (rows) => {
      console.table(rows);
      console.log(JSON.stringify(rows, null, 2));
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
