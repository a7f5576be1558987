// The gateway's own CPU per job: process CPU time (user + system, /proc/<pid>/stat of the gateway child) divided by
// the jobs it handled. CPU time barely moves with the load other processes put on the machine, unlike wall time;
// and every comparison is made inside one run, in interleaved rounds, so only ratios between variants matter.
// - sync job: POST /api/v1/workflows/submit?wait=true of an 8×8 EmptyImage → SaveImage, one at a time, against a
//   simulator that compresses its WebSocket like real ComfyUI (permessage-deflate, when the client offers it), with
//   the gateway offering compression (comfyui.ws_compression: true) and not (false);
// - scenario dry run: POST /api/v1/scenarios/text2img?dry_run=true (validate and build, no upstream call);
// - idle: CPU per second and RSS of a gateway in front of a pool of 4 simulators (COMFYUI_URLS-style backends),
//   nothing submitted, so only health probes, heartbeats and timers run (median of 5 interleaved rounds of 6 s).
// `--jobs N` sets the sync jobs per round and variant (default 300); the dry runs are 10× that; `--rounds N` the
// interleaved rounds (default 3). `--idle` runs the idle part only; `--no-idle` skips it (2½ minutes) when only the
// per-job figures are compared; `--ab` keeps only the "before" and the shipped default, for a before/after of one change.
// BENCH_BEFORE=<path to an older src/main.ts inside the repository> adds that gateway as a "before" variant to every
// measurement of the same run (e.g. `git archive <commit> src | tar -x -C .prof/before`).
import { Pool } from 'undici';
import { cpuMsOf, rssOf, startGatewayProcess, startSimProcess, type GatewayChild, type GatewayChildOptions, type SimChild } from '../child-process.js';
import { flagOption, numberOption, round, runAlone, type BenchCase, type BenchRow } from '../lib.js';

const CASE = 'cpu-per-job';
const IDLE_SECONDS = 30;
const IDLE_ROUNDS = 5;
const MiB = 1024 * 1024;
const syncBody = JSON.stringify({
  workflow: {
    '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 0 } },
    '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: 'cpu' } },
  },
});
const dryRunBody = JSON.stringify({ prompt: 'a lighthouse at dusk' });
const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends `count` requests one after another over one connection; returns the gateway's CPU ms per request. */
async function cpuPerRequest(gateway: GatewayChild, path: string, body: string, count: number): Promise<number> {
  const pool = new Pool(gateway.url, { connections: 1, pipelining: 1 });
  const headers = { 'content-type': 'application/json' };
  try {
    const before = await cpuMsOf(gateway.pid);
    for (let i = 0; i < count; i++) {
      const response = await pool.request({ method: 'POST', path, headers, body });
      const text = await response.body.text();
      if (response.statusCode !== 200) throw new Error(`${path}: HTTP ${response.statusCode}: ${text.slice(0, 300)}`);
    }
    return ((await cpuMsOf(gateway.pid)) - before) / count;
  } finally {
    await pool.close();
  }
}

// The median round, not the mean: on a shared machine one round now and then lands on a burst of other work.
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

async function syncAndDryRun(jobs: number, rounds: number, before: string | undefined, ab: boolean): Promise<BenchRow[]> {
  const sim = await startSimProcess();
  const all: Array<{ label: string; options: Partial<GatewayChildOptions>; gateway?: GatewayChild }> = [
    ...(before ? [{ label: 'before', options: { entry: before } }] : []),
    { label: 'ws_compression true', options: { comfyExtra: { ws_compression: true } } },
    { label: 'ws_compression false (default)', options: {} },
    // What the access log (one JSON line per request) costs: informational, the shipped default keeps it on.
    { label: 'default, log.access false', options: { extraYaml: 'log: { access: false }' } },
  ];
  const variants = ab ? all.filter((variant) => variant.label === 'before' || variant.label.startsWith('ws_compression false')) : all;
  try {
    for (const variant of variants) variant.gateway = await startGatewayProcess({ comfyUrl: sim.url, ...variant.options });
    const sync = new Map<string, number[]>();
    const dry = new Map<string, number[]>();
    // Warm-up: the first requests compile the routes' code paths; they are not counted.
    for (const variant of variants) {
      await cpuPerRequest(variant.gateway as GatewayChild, '/api/v1/workflows/submit?wait=true', syncBody, 30);
      await cpuPerRequest(variant.gateway as GatewayChild, '/api/v1/scenarios/text2img?dry_run=true', dryRunBody, 100);
    }
    for (let r = 0; r < rounds; r++) {
      // Every other round in the reverse order, so a drift of the machine's load does not favour one variant.
      for (const variant of r % 2 ? [...variants].reverse() : variants) {
        const gateway = variant.gateway as GatewayChild;
        const s = await cpuPerRequest(gateway, '/api/v1/workflows/submit?wait=true', syncBody, jobs);
        const d = await cpuPerRequest(gateway, '/api/v1/scenarios/text2img?dry_run=true', dryRunBody, jobs * 10);
        sync.set(variant.label, [...(sync.get(variant.label) ?? []), s]);
        dry.set(variant.label, [...(dry.get(variant.label) ?? []), d]);
      }
    }
    const rows: BenchRow[] = [];
    for (const variant of variants) {
      const s = median(sync.get(variant.label) ?? []);
      const d = median(dry.get(variant.label) ?? []);
      const shipped = variant.label.startsWith('ws_compression false');
      const target = shipped ? { target: '≤ 1', pass: s <= 1 } : {};
      const dryTarget = shipped ? { target: '≤ 0.3', pass: d <= 0.3 } : {};
      rows.push(
        { case: CASE, metric: `sync job (deflating simulator), ${variant.label}: CPU per job`, value: round(s, 3), unit: 'ms', ...target },
        { case: CASE, metric: `scenario dry run, ${variant.label}: CPU per request`, value: round(d, 3), unit: 'ms', ...dryTarget },
      );
    }
    const on = median(sync.get('ws_compression true') ?? []);
    const off = median(sync.get('ws_compression false (default)') ?? []);
    if (!ab) rows.push({ case: CASE, metric: 'sync job CPU, compression off / on', value: round(off / on, 3), unit: 'ratio' });
    if (before) {
      const was = median(sync.get('before') ?? []);
      const wasDry = median(dry.get('before') ?? []);
      rows.push(
        { case: CASE, metric: 'sync job CPU, after / before', value: round(off / was, 3), unit: 'ratio' },
        { case: CASE, metric: 'dry run CPU, after / before', value: round(median(dry.get('ws_compression false (default)') ?? []) / wasDry, 3), unit: 'ratio' },
      );
    }
    return rows;
  } finally {
    for (const variant of variants) await variant.gateway?.stop();
    await sim.stop();
  }
}

async function idle(before: string | undefined): Promise<BenchRow[]> {
  const sims: SimChild[] = [];
  const gateways: Array<{ label: string; gateway: GatewayChild }> = [];
  try {
    for (let i = 0; i < 4; i++) sims.push(await startSimProcess());
    const urls = sims.map((sim) => sim.url);
    const pool = { comfyUrl: urls[0] as string, comfyUrls: urls };
    const slowProbes = { comfyExtra: { probe_interval_ms: 60_000 } };
    if (before) gateways.push({ label: 'before', gateway: await startGatewayProcess({ ...pool, entry: before }) });
    if (before) gateways.push({ label: 'before, probes every 60 s', gateway: await startGatewayProcess({ ...pool, ...slowProbes, entry: before }) });
    gateways.push({ label: 'after', gateway: await startGatewayProcess(pool) });
    // What is left once the health probes (2 requests per backend every probe_interval_ms) are taken away.
    gateways.push({ label: 'after, probes every 60 s', gateway: await startGatewayProcess({ ...pool, ...slowProbes }) });
    // Let start-up work (first probes, object_info, lazy imports) finish before the spans are measured.
    for (const { gateway } of gateways) await fetch(`${gateway.url}/health`).then((r) => r.text());
    await settle(3_000);
    const perSecond = new Map<string, number[]>();
    for (let r = 0; r < IDLE_ROUNDS; r++) {
      for (const { label, gateway } of gateways) {
        const cpuBefore = await cpuMsOf(gateway.pid);
        const started = performance.now();
        await settle((IDLE_SECONDS * 1000) / IDLE_ROUNDS);
        const value = ((await cpuMsOf(gateway.pid)) - cpuBefore) / ((performance.now() - started) / 1000);
        perSecond.set(label, [...(perSecond.get(label) ?? []), value]);
      }
    }
    const rows: BenchRow[] = [];
    for (const { label, gateway } of gateways) {
      // The median round: one round now and then catches a major GC or the loader's worker waking up.
      const cpu = median(perSecond.get(label) ?? []);
      const rss = (await rssOf(gateway.pid)) / MiB;
      const targets = label !== 'after' ? [{}, {}] : [{ target: '≤ 2', pass: cpu <= 2 }, { target: '< 100', pass: rss < 100 }];
      rows.push(
        { case: CASE, metric: `idle, 4 backends, ${label}: CPU per second`, value: round(cpu, 2), unit: 'ms/s', ...targets[0] },
        { case: CASE, metric: `idle, 4 backends, ${label}: RSS`, value: round(rss, 1), unit: 'MiB', ...targets[1] },
      );
    }
    return rows;
  } finally {
    for (const { gateway } of gateways) await gateway.stop();
    for (const sim of sims) await sim.stop();
  }
}

export const cpuPerJob: BenchCase = {
  name: CASE,
  description: "the gateway's own CPU per sync job and per dry run, idle CPU and RSS with 4 backends",
  async run() {
    const jobs = numberOption('--jobs', 300);
    const rounds = numberOption('--rounds', 3);
    const before = process.env.BENCH_BEFORE || undefined;
    // `--idle`: the idle part alone (4 simulators, about 2.5 minutes), without the sync jobs and dry runs.
    if (flagOption('--idle')) return idle(before);
    return [...(await syncAndDryRun(jobs, rounds, before, flagOption('--ab'))), ...(flagOption('--no-idle') ? [] : await idle(before))];
  },
};

await runAlone(cpuPerJob, import.meta.url);
