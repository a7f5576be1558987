// Start-up time and idle memory of the gateway with 10 and with 1,000 scenarios. The gateway is a child process
// (`node --import tsx src/main.ts`, as `npm run dev` starts it); start-up is measured from spawn to its
// "gateway listening" log line, which is written once every scenario is loaded and the port is open. Idle memory is
// the child's RSS (/proc) two seconds after start-up, plus the V8 heap in use as its own GET /metrics reports it.
// A baseline child that only loads tsx shows how much of both the TypeScript loader costs by itself: a built
// gateway (`npm start`, plain JavaScript) pays neither: `--built` runs `npm run build` and measures dist/ instead.
// "until /health answers" adds the first request after the log line. 1,000 scenarios are measured twice: from one
// pattern (50 distinct bodies: defaults i % 50), and with every body different (what sharing validators cannot help).
// BENCH_BEFORE=<an older src/main.ts, or dist/src/main.js of an older built tree> measures that gateway as well.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { cpuMsOf, repoRoot, rssOf, spawnUntil, startGatewayProcess, startSimProcess } from '../child-process.js';
import { flagOption, round, runAlone, summarize, type BenchCase, type BenchRow } from '../lib.js';

const CASE = 'footprint';
const STARTS = 3;
const MiB = 1024 * 1024;

const workflow = JSON.stringify({
  '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 0 } },
  '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: 'footprint' } },
});
const manifest = (i: number, distinct = 50) => `summary: footprint ${i}
workflow: footprint.json
fields:
  width: { type: integer, minimum: 1, maximum: 4096, default: ${8 + (i % distinct)}, to: 1.inputs.width }
  color: { type: integer, minimum: 0, default: 0, to: 1.inputs.color }
`;

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function heapUsed(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^nodejs_heap_size_used_bytes (\S+)$/m.exec(text)?.[1] ?? Number.NaN);
}

/** A child that loads tsx and nothing else: the loader's own start-up time and memory. */
async function baseline(): Promise<{ startMs: number; rss: number }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-baseline-'));
  const entry = path.join(dir, 'idle.ts');
  await writeFile(entry, "console.log('ready');\nsetInterval(() => undefined, 1000);\n");
  try {
    const { child, spawnedAt, readyAt } = await spawnUntil(entry, [], {}, (line) => (line === 'ready' ? true : undefined));
    try {
      await settle(2000);
      return { startMs: readyAt - spawnedAt, rss: await rssOf(child.pid) };
    } finally {
      await child.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface Variant {
  count: number;
  /** Distinct request bodies among the manifests. */
  distinct: number;
  built: boolean;
  /** An older gateway's entry point (BENCH_BEFORE). */
  entry?: string;
}

async function measure(comfyUrl: string, variant: Variant): Promise<BenchRow[]> {
  const { count, built } = variant;
  const how = `${built ? 'built' : 'tsx'}${variant.entry ? ', before' : ''}`;
  const what = count > 50 ? `${count} scenarios, ${variant.distinct < count ? `${variant.distinct} distinct bodies` : 'every body different'}` : `${count} scenarios`;
  const scenarios = new Map(Array.from({ length: count }, (_, i) => [`s${i}.yaml`, manifest(i, variant.distinct)] as const));
  const templates = new Map([['footprint.json', workflow]]);
  const starts: number[] = [];
  const healthy: number[] = [];
  // The child's CPU time until it listens: on a shared machine wall time mostly measures the others' load.
  const cpu: number[] = [];
  let rss = 0;
  let heap = 0;
  for (let i = 0; i < STARTS; i++) {
    const gateway = await startGatewayProcess({ comfyUrl, scenarios, templates, built, ...(variant.entry ? { entry: variant.entry } : {}) });
    try {
      const listening = performance.now();
      cpu.push(await cpuMsOf(gateway.pid));
      await (await fetch(`${gateway.url}/health`)).text();
      starts.push(gateway.startMs);
      healthy.push(gateway.startMs + performance.now() - listening);
      if (i === STARTS - 1) {
        await settle(2000);
        rss = await rssOf(gateway.pid);
        heap = await heapUsed(gateway.url);
      }
    } finally {
      await gateway.stop();
    }
  }
  const start = summarize(starts).p50;
  const startTarget = count <= 10 ? 1000 : 1500;
  const targets = !variant.entry;
  return [
    {
      case: CASE,
      metric: `start-up (${how}), ${what}, until listening (median of ${STARTS})`,
      value: round(start, 0),
      unit: 'ms',
      ...(targets ? { target: `< ${startTarget}`, pass: start < startTarget } : {}),
    },
    { case: CASE, metric: `start-up (${how}), ${what}, CPU until listening`, value: round(summarize(cpu).p50, 0), unit: 'ms' },
    { case: CASE, metric: `start-up (${how}), ${what}, until /health answers`, value: round(summarize(healthy).p50, 0), unit: 'ms' },
    {
      case: CASE,
      metric: `idle RSS (${how}), ${what}`,
      value: round(rss / MiB, 1),
      unit: 'MiB',
      ...(targets ? { target: '< 100', pass: rss / MiB < 100 } : {}),
    },
    { case: CASE, metric: `idle V8 heap used (${how}), ${what}`, value: round(heap / MiB, 1), unit: 'MiB' },
  ];
}

export const footprint: BenchCase = {
  name: CASE,
  description: 'start-up time and idle memory with 10 and 1,000 scenarios (gateway child process)',
  async run() {
    const built = flagOption('--built');
    if (built) execFileSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'inherit' });
    const sim = await startSimProcess();
    try {
      // Warms tsx's transform cache, so that every measured start reads compiled modules as a restart would.
      const warm = await startGatewayProcess({ comfyUrl: sim.url, built });
      await warm.stop();
      const base = await baseline();
      const rows: BenchRow[] = [
        { case: CASE, metric: 'baseline: node + tsx loader alone, start-up', value: round(base.startMs, 0), unit: 'ms' },
        { case: CASE, metric: 'baseline: node + tsx loader alone, idle RSS', value: round(base.rss / MiB, 1), unit: 'MiB' },
      ];
      const before = process.env.BENCH_BEFORE || undefined;
      const variants: Variant[] = [
        { count: 10, distinct: 10, built },
        { count: 1000, distinct: 50, built },
        { count: 1000, distinct: 1000, built },
      ];
      for (const variant of variants) {
        if (before) rows.push(...(await measure(sim.url, { ...variant, entry: before })));
        rows.push(...(await measure(sim.url, variant)));
      }
      return rows;
    } finally {
      await sim.stop();
    }
  },
};

await runAlone(footprint, import.meta.url);
