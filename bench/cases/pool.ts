// Many ComfyUI servers behind one gateway (issue: a pool with a gateway-held queue). Three parts, each on
// simulators that are separate processes (`npm run sim`), the gateway a child process given them as
// comfyui.backends, and the jobs' truth read from the servers' own histories (bench/pool-harness.ts):
//  - scaling: jobs of a fixed 200 ms (--run-ms) on 1, 2 and 4 servers, 25 per server, all submitted at once;
//    throughput / (N × the one-server throughput) should stay ≥ 0.9. Direct round-robin is shown beside it.
//  - mixed work: 100 jobs, 20 % long (2 s) and 80 % short (100 ms; node delays on the servers), arriving as a Poisson
//    process at 3.5 per second on 3 servers, the same list for each dispatcher: the gateway (once through
//    workflows/submit, where every job looks alike to it, once through a scenario per kind, whose run times it
//    learns), round-robin (a plain proxy) and "fewest pending, polled every 0.5 s" (the original design). Makespan
//    and p95 wait of the short jobs (submission → execution_start on a server).
//  - failover: 3 servers, 200 jobs of 200 ms at once through the gateway; once 60 have run, one server is killed
//    (SIGKILL). Lost (accepted, never run anywhere), run twice (one prompt_id in two servers' histories), and the time
//    from the death to each prompt the dead server held appearing on another server. Round-robin beside it.
// The dispatch decision's own cost is the dispatch-cost case.
//
//   npm run bench -- pool            (about three minutes)
import type { SimChild } from '../child-process.js';
import { startGatewayProcess, type GatewayChild } from '../child-process.js';
import { round, runAlone, summarize, type BenchCase, type BenchRow } from '../lib.js';
import { fewestPending, roundRobin, throughGateway, throughScenarios } from '../pool-dispatchers.js';
import {
  jobList, measure, queuedIds, ranTwice, readExecutions, runJobs, startSims, type Dispatcher, type Job, type RunResult,
} from '../pool-harness.js';

const CASE = 'pool';
/** Mixed work: about 57 % of three servers' nominal capacity (a mean job of 0.48 s), so queues come and go. */
const ARRIVALS_PER_S = 3.5;

/** A prompt whose length the server decides (--run-ms): an 8×8 picture, a new colour each time. */
function fixedJob(job: Job): Record<string, unknown> {
  return {
    '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: job.index + 1 } },
    '2': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } },
  };
}

/** The fields that make one job's prompt: new to every run of every dispatcher, which servers would otherwise answer from their cache. */
function jobFields(job: Job, run: number): { color: number } {
  return { color: run * 1_000 + job.index };
}

/**
 * Short: EmptyImage → PreviewImage; long: EmptyImage → ImageInvert → PreviewImage. Their length comes from the
 * servers' nodeDelayMs (EmptyImage 100 ms, ImageInvert 1,900 ms): one sleep per node, so a busy machine stretches
 * them less than many short steps would.
 */
function timedJob(job: Job, run: number): Record<string, unknown> {
  const node = (class_type: string, title: string, inputs: Record<string, unknown>) => ({ class_type, inputs, _meta: { title } });
  const source = node('EmptyImage', 'Empty Image', { width: 8, height: 8, batch_size: 1, color: jobFields(job, run).color });
  if (job.kind === 'short') return { '1': source, '2': node('PreviewImage', 'Preview', { images: ['1', 0] }) };
  return {
    '1': source,
    '2': node('ImageInvert', 'Invert', { image: ['1', 0] }),
    '3': node('PreviewImage', 'Preview', { images: ['2', 0] }),
  };
}

const NODE_DELAYS = { EmptyImage: 100, ImageInvert: 1_900 };

/** Scenarios bench_short and bench_long: the same prompts as timedJob, so the gateway can tell the two apart. */
function benchScenarios(): { scenarios: Map<string, string>; templates: Map<string, string> } {
  const scenarios = new Map<string, string>();
  const templates = new Map<string, string>();
  for (const kind of ['short', 'long'] as const) {
    templates.set(`bench_${kind}.json`, JSON.stringify(timedJob({ index: 0, kind, at: 0 }, 0), null, 2));
    scenarios.set(`bench_${kind}.yaml`, [
      `summary: ${kind} benchmark job`,
      `workflow: bench_${kind}.json`,
      'fields:',
      '  color: { type: integer, minimum: 0, maximum: 16777215, required: true, to: Empty Image.inputs.color }',
      'outputs: [Preview]',
      '',
    ].join('\n'));
  }
  return { scenarios, templates };
}

async function withPool<T>(
  sims: SimChild[], use: (gateway: GatewayChild) => Promise<T>,
): Promise<T> {
  const gateway = await startGatewayProcess({
    comfyUrl: sims[0]?.url ?? '', comfyUrls: sims.map((sim) => sim.url), extraYaml: 'log: { access: false }', ...benchScenarios(),
  });
  try {
    return await use(gateway);
  } finally {
    await gateway.stop();
  }
}

async function run(dispatcher: Dispatcher, sims: SimChild[], jobs: Job[], workflow: (job: Job) => Record<string, unknown>): Promise<RunResult> {
  try {
    return await runJobs(dispatcher, { jobs, workflow, simUrls: sims.map((sim) => sim.url) });
  } finally {
    await dispatcher.close();
  }
}

/** A row for refused submissions, only when there were any; the first one's text goes to stderr. */
function refusals(rows: BenchRow[], prefix: string, result: RunResult): void {
  if (!result.refused) return;
  rows.push({ case: CASE, metric: `${prefix}: refused submissions`, value: result.refused, unit: 'jobs' });
  console.error(`  ${prefix}: first refusal: ${result.firstRefusal ?? '?'}`);
}

async function scaling(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const single: Record<string, number> = {};
  for (const n of [1, 2, 4]) {
    const sims = await startSims(n, { runMs: 200 });
    try {
      const jobs = jobList(25 * n, 0, 0);
      const results: [string, RunResult][] = [];
      await withPool(sims, async (gateway) => results.push(['gateway', await run(throughGateway(gateway.url), sims, jobs, fixedJob)]));
      results.push(['round-robin', await run(roundRobin(sims.map((sim) => sim.url)), sims, jobs, fixedJob)]);
      for (const [label, result] of results) {
        const { makespan, perSim } = measure(result);
        const throughput = (result.accepted.size - result.missing.length) / (makespan / 1000);
        if (n === 1) single[label] = throughput;
        rows.push({ case: CASE, metric: `scaling, ${label}, ${n} server(s): jobs/s`, value: round(throughput, 2), unit: 'jobs/s' });
        refusals(rows, `scaling, ${label}, ${n} server(s)`, result);
        rows.push({ case: CASE, metric: `scaling, ${label}, ${n} server(s): jobs run`, value: perSim.reduce((a, b) => a + b, 0), unit: `jobs (${perSim.join('/')})` });
        if (n > 1) {
          const ratio = throughput / (n * (single[label] ?? Number.NaN));
          rows.push({
            case: CASE, metric: `scaling, ${label}, ${n} servers: throughput / (${n} × one)`, value: round(ratio, 3), unit: 'ratio',
            ...(label === 'gateway' ? { target: '≥ 0.9', pass: ratio >= 0.9 } : {}),
          });
        }
      }
    } finally {
      await Promise.allSettled(sims.map((sim) => sim.stop()));
    }
  }
  return rows;
}

async function mixed(): Promise<BenchRow[]> {
  const sims = await startSims(3, {});
  const urls = sims.map((sim) => sim.url);
  for (const url of urls) {
    const response = await fetch(`${url}/__sim/faults`, { method: 'POST', body: JSON.stringify({ nodeDelayMs: NODE_DELAYS }) });
    if (!response.ok) throw new Error(`${url}/__sim/faults: HTTP ${response.status}`);
  }
  const jobs = jobList(100, 0.2, ARRIVALS_PER_S);
  const rows: BenchRow[] = [];
  const p95: Record<string, number> = {};
  const mean = (values: number[]): number => Math.round(values.reduce((a, b) => a + b, 0) / Math.max(1, values.length));
  try {
    const results: [string, RunResult][] = [];
    await withPool(sims, async (gateway) => {
      results.push(['gateway (workflows/submit)', await run(throughGateway(gateway.url), sims, jobs, (job) => timedJob(job, 1))]);
      results.push(['gateway (scenarios)', await run(throughScenarios(gateway.url, (job) => jobFields(job, 2)), sims, jobs, (job) => timedJob(job, 2))]);
    });
    results.push(['round-robin', await run(roundRobin(urls), sims, jobs, (job) => timedJob(job, 3))]);
    results.push(['fewest pending /0.5 s', await run(fewestPending(urls), sims, jobs, (job) => timedJob(job, 4))]);
    for (const [label, result] of results) {
      const { makespan, waits, runs, perSim } = measure(result);
      const short = summarize(waits.short);
      p95[label] = short.p95;
      rows.push(
        { case: CASE, metric: `mixed, ${label}: makespan`, value: round(makespan / 1000, 2), unit: 's' },
        { case: CASE, metric: `mixed, ${label}: short jobs' wait p50`, value: Math.round(short.p50), unit: 'ms' },
        { case: CASE, metric: `mixed, ${label}: short jobs' wait p95`, value: Math.round(short.p95), unit: 'ms' },
        { case: CASE, metric: `mixed, ${label}: long jobs' wait p95`, value: Math.round(summarize(waits.long).p95), unit: 'ms' },
        { case: CASE, metric: `mixed, ${label}: measured run, short / long (mean)`, value: mean(runs.short), unit: `ms / ${mean(runs.long)} ms` },
        { case: CASE, metric: `mixed, ${label}: jobs run`, value: perSim.reduce((a, b) => a + b, 0), unit: `jobs (${perSim.join('/')})` },
      );
      refusals(rows, `mixed, ${label}`, result);
    }
    const best = Math.min(p95['round-robin'] ?? Number.NaN, p95['fewest pending /0.5 s'] ?? Number.NaN);
    for (const label of ['gateway (workflows/submit)', 'gateway (scenarios)']) {
      const gateway = p95[label] ?? Number.NaN;
      rows.push({
        case: CASE, metric: `mixed: ${label} short-job p95 wait / best baseline`, value: round(gateway / best, 3), unit: 'ratio',
        target: '< 1', pass: gateway < best,
      });
    }
  } finally {
    await Promise.allSettled(sims.map((sim) => sim.stop()));
  }
  return rows;
}

interface FailoverOutcome {
  result: RunResult;
  /** Prompts the killed server held (running or waiting) when it died. */
  held: string[];
  /** ms from the death to each held prompt showing up on another server (queue or history). */
  redispatch: number[];
}

async function killMidRun(dispatcher: Dispatcher, sims: SimChild[], jobs: Job[]): Promise<FailoverOutcome> {
  const urls = sims.map((sim) => sim.url);
  const victim = 1;
  let held: string[] = [];
  let killedAt = 0;
  const redispatch = new Map<string, number>();
  let watcher: Promise<void> | undefined;
  const watch = async (): Promise<void> => {
    const survivors = urls.filter((_, i) => i !== victim);
    const deadline = Date.now() + 30_000;
    while (redispatch.size < held.length && Date.now() < deadline) {
      const seen = new Set((await Promise.all(survivors.map((url) => queuedIds(url).catch(() => [])))).flat());
      for (const [id, runs] of await readExecutions(survivors)) if (runs.length) seen.add(id);
      for (const id of held) if (seen.has(id) && !redispatch.has(id)) redispatch.set(id, Date.now() - killedAt);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  try {
    const result = await runJobs(dispatcher, {
      jobs, workflow: fixedJob, simUrls: urls, stallMs: 20_000,
      async onPoll({ done, executions }) {
        if (killedAt || done < 60) return;
        // Read the victim's history and queue last, then kill it at once: what it ran stays counted.
        const victimUrl = urls[victim] as string;
        await readExecutions(urls, executions, [victim]).catch(() => undefined);
        held = await queuedIds(victimUrl);
        sims[victim]?.process.kill('SIGKILL');
        killedAt = Date.now();
        watcher = watch();
      },
    });
    await watcher;
    return { result, held, redispatch: [...redispatch.values()] };
  } finally {
    await dispatcher.close();
  }
}

async function failover(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const jobs = jobList(200, 0, 0);
  const runs: [string, (sims: SimChild[]) => Promise<FailoverOutcome>][] = [
    ['gateway', (sims) => withPool(sims, (gateway) => killMidRun(throughGateway(gateway.url), sims, jobs))],
    ['round-robin', (sims) => killMidRun(roundRobin(sims.map((sim) => sim.url)), sims, jobs)],
  ];
  for (const [label, go] of runs) {
    const sims = await startSims(3, { runMs: 200 });
    try {
      const { result, held, redispatch } = await go(sims);
      const delays = summarize(redispatch);
      const gateway = label === 'gateway';
      rows.push(
        { case: CASE, metric: `failover, ${label}: accepted of ${jobs.length}`, value: result.accepted.size, unit: 'jobs' },
        { case: CASE, metric: `failover, ${label}: refused (the caller got an error)`, value: result.refused, unit: 'jobs' },
        { case: CASE, metric: `failover, ${label}: lost (accepted, never run)`, value: result.missing.length, unit: 'jobs', ...(gateway ? { target: '= 0', pass: result.missing.length === 0 } : {}) },
        { case: CASE, metric: `failover, ${label}: run twice`, value: ranTwice(result), unit: 'jobs', ...(gateway ? { target: '= 0', pass: ranTwice(result) === 0 } : {}) },
        { case: CASE, metric: `failover, ${label}: held by the killed server`, value: held.length, unit: 'jobs' },
        { case: CASE, metric: `failover, ${label}: of those, re-dispatched`, value: redispatch.length, unit: 'jobs' },
      );
      if (redispatch.length) {
        rows.push(
          { case: CASE, metric: `failover, ${label}: death → re-dispatch, first`, value: Math.round(Math.min(...redispatch)), unit: 'ms' },
          { case: CASE, metric: `failover, ${label}: death → re-dispatch, p50`, value: Math.round(delays.p50), unit: 'ms' },
          { case: CASE, metric: `failover, ${label}: death → re-dispatch, max`, value: Math.round(delays.max), unit: 'ms' },
        );
      }
    } finally {
      await Promise.allSettled(sims.map((sim) => sim.stop()));
    }
  }
  return rows;
}

/** `npm run bench -- pool`; POOL_PARTS=scaling,mixed runs some of the parts. */
export const pool: BenchCase = {
  name: CASE,
  description: 'a pool of simulated servers: scaling, mixed short/long work against two baselines, failover',
  async run() {
    const parts = (process.env.POOL_PARTS ?? 'scaling,mixed,failover').split(',').map((p) => p.trim());
    const rows: BenchRow[] = [];
    for (const [name, part] of [['scaling', scaling], ['mixed', mixed], ['failover', failover]] as const) {
      if (!parts.includes(name)) continue;
      console.error(`  · ${name}`);
      rows.push(...(await part()));
    }
    return rows;
  },
};

await runAlone(pool, import.meta.url);
