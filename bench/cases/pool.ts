// Many ComfyUI servers behind one gateway (issue: a pool with a gateway-held queue). Three parts, each on
// simulators that are separate processes (`npm run sim`), the gateway a child process given them as
// comfyui.backends, and the jobs' truth read from the servers' own histories (bench/pool-harness.ts):
//  - scaling: jobs of a fixed 200 ms (--run-ms) on 1, 2 and 4 servers, 25 per server, all submitted at once;
//    throughput / (N × the one-server throughput) should stay ≥ 0.9. Direct round-robin is shown beside it.
//  - mixed work: 100 jobs, 20 % long (2 s) and 80 % short (100 ms: KSampler steps of 50 ms), arriving as a Poisson
//    process at 4.5 per second on 3 servers (about 75 % busy), the same list for each dispatcher: the gateway,
//    round-robin (a plain proxy) and "fewest pending, polled every 0.5 s" (the original design). Makespan and
//    p95 wait of the short jobs (submission → execution_start on a server).
//  - failover: 3 servers, 200 jobs of 200 ms at once through the gateway; once 60 have run, one server is killed
//    (SIGKILL). Lost (accepted, never run anywhere), run twice (one prompt_id in two servers' histories), and the time
//    from the death to each prompt the dead server held appearing on another server. Round-robin beside it.
// The dispatch decision's own cost is the dispatch-cost case.
//
//   npm run bench -- pool            (about three minutes)
import type { SimChild } from '../child-process.js';
import { startGatewayProcess, type GatewayChild } from '../child-process.js';
import { round, runAlone, summarize, type BenchCase, type BenchRow } from '../lib.js';
import { fewestPending, roundRobin, throughGateway } from '../pool-dispatchers.js';
import {
  jobList, measure, queuedIds, ranTwice, readExecutions, runJobs, startSims, type Dispatcher, type Job, type RunResult,
} from '../pool-harness.js';

const CASE = 'pool';

/** A prompt whose length the server decides (--run-ms): an 8×8 picture, a new colour each time. */
function fixedJob(job: Job): Record<string, unknown> {
  return {
    '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: job.index + 1 } },
    '2': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } },
  };
}

/** A tiny text2img whose length is its step count: 2 steps (short) or 40 (long) of 50 ms. */
function steppedJob(job: Job): Record<string, unknown> {
  return {
    '3': { class_type: 'KSampler', inputs: { seed: job.index, steps: job.kind === 'long' ? 40 : 2, cfg: 7, sampler_name: 'euler', scheduler: 'normal', denoise: 1, model: ['4', 0], positive: ['6', 0], negative: ['7', 0], latent_image: ['5', 0] } },
    '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'v1-5-pruned-emaonly-fp16.safetensors' } },
    '5': { class_type: 'EmptyLatentImage', inputs: { width: 16, height: 16, batch_size: 1 } },
    '6': { class_type: 'CLIPTextEncode', inputs: { text: `job ${job.index}`, clip: ['4', 1] } },
    '7': { class_type: 'CLIPTextEncode', inputs: { text: '', clip: ['4', 1] } },
    '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
    '9': { class_type: 'PreviewImage', inputs: { images: ['8', 0] } },
  };
}

async function withPool<T>(
  sims: SimChild[], use: (gateway: GatewayChild) => Promise<T>,
): Promise<T> {
  const gateway = await startGatewayProcess({
    comfyUrl: sims[0]?.url ?? '', comfyUrls: sims.map((sim) => sim.url), extraYaml: 'log: { access: false }',
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
  const sims = await startSims(3, { stepMs: 50 });
  const urls = sims.map((sim) => sim.url);
  const jobs = jobList(100, 0.2, 4.5);
  const rows: BenchRow[] = [];
  const p95: Record<string, number> = {};
  try {
    const results: [string, RunResult][] = [];
    await withPool(sims, async (gateway) => results.push(['gateway', await run(throughGateway(gateway.url), sims, jobs, steppedJob)]));
    results.push(['round-robin', await run(roundRobin(urls), sims, jobs, steppedJob)]);
    results.push(['fewest pending /0.5 s', await run(fewestPending(urls), sims, jobs, steppedJob)]);
    for (const [label, result] of results) {
      const { makespan, waits, perSim } = measure(result);
      const short = summarize(waits.short);
      p95[label] = short.p95;
      rows.push(
        { case: CASE, metric: `mixed, ${label}: makespan`, value: round(makespan / 1000, 2), unit: 's' },
        { case: CASE, metric: `mixed, ${label}: short jobs' wait p50`, value: Math.round(short.p50), unit: 'ms' },
        { case: CASE, metric: `mixed, ${label}: short jobs' wait p95`, value: Math.round(short.p95), unit: 'ms' },
        { case: CASE, metric: `mixed, ${label}: long jobs' wait p95`, value: Math.round(summarize(waits.long).p95), unit: 'ms' },
        { case: CASE, metric: `mixed, ${label}: jobs run`, value: perSim.reduce((a, b) => a + b, 0), unit: `jobs (${perSim.join('/')})` },
      );
    }
    const best = Math.min(p95['round-robin'] ?? Number.NaN, p95['fewest pending /0.5 s'] ?? Number.NaN);
    const gateway = p95.gateway ?? Number.NaN;
    rows.push({
      case: CASE, metric: 'mixed: gateway short-job p95 wait / best baseline', value: round(gateway / best, 3), unit: 'ratio',
      target: '< 1', pass: gateway < best,
    });
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
      for (const [id, runs] of await readExecutions(survivors.map((url) => url))) if (runs.length) seen.add(id);
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
        await readExecutions([victimUrl], executions).catch(() => undefined);
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
