// Part "throughput" of the scale case: 1, 2 and 3 gateway processes on one Redis in front of the same pool of
// simulators (separate processes, jobs of a fixed --run-ms, many slots each, so the servers are never what limits).
// The load generator keeps CONCURRENCY sync jobs (`POST /api/v1/workflows/submit?wait=true`) in flight and sends each
// to the next gateway in turn, as a round-robin load balancer would. A job counts when its answer (the ended job)
// arrives; jobs/s over the measured window, after a warm-up, and the ratio to one process. The CPU time the gateway
// processes and the simulators used over the whole run, per job answered, says where the machine's two cores went;
// the messages on the job-event channel per job (every process reads every one of them) say what grows with N, and
// a run of three processes with the load on one only says what a process pays for the others' jobs.
import { Agent, request } from 'undici';
import { cpuMsOf, startSimProcess, type SimChild } from '../child-process.js';
import { round, summarize, type BenchRow } from '../lib.js';
import { CASE, benchPrefix, dropPrefix, listenToBus, startGateways, tinyWorkflow } from './shared.js';

const SIMS = 4;
/** Each simulator runs one prompt at a time: 4 × 1000/RUN_MS = 800 jobs/s, well above what the gateways reach here. */
const RUN_MS = 5;
/** Per backend, shared by all processes in Redis: 64 in all, twice the jobs in flight, so no job waits for a slot. */
const SLOTS = 16;
const CONCURRENCY = 32;
const WARM_UP_MS = 2_000;

interface Load {
  done: number;
  /** Every job answered, warm-up included: what the CPU time is divided by. */
  all: number;
  failed: number;
  latencies: number[];
  firstFailure?: string;
}

/** CONCURRENCY loops of sync jobs, round-robin over the gateways, for warm-up + `seconds`; counts the measured window. */
async function drive(urls: string[], seconds: number, colorBase: number): Promise<Load> {
  const agent = new Agent({ connections: CONCURRENCY, keepAliveTimeout: 30_000 });
  const load: Load = { done: 0, all: 0, failed: 0, latencies: [] };
  const started = performance.now();
  const from = started + WARM_UP_MS;
  const until = from + seconds * 1000;
  let next = 0;
  const loop = async (): Promise<void> => {
    while (performance.now() < until) {
      const index = next++;
      const url = urls[index % urls.length] as string;
      const sent = performance.now();
      try {
        const response = await request(`${url}/api/v1/workflows/submit?wait=true`, {
          method: 'POST',
          dispatcher: agent,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ workflow: tinyWorkflow(colorBase + index) }),
        });
        const text = await response.body.text();
        const status = (JSON.parse(text) as { data?: { status?: string } }).data?.status;
        if (response.statusCode !== 200 || status !== 'succeeded') throw new Error(`HTTP ${response.statusCode}: ${text.slice(0, 300)}`);
        const at = performance.now();
        load.all++;
        if (sent >= from && at <= until) {
          load.done++;
          load.latencies.push(at - sent);
        }
      } catch (error) {
        load.failed++;
        load.firstFailure ??= (error as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  await agent.close();
  return load;
}

interface Run {
  load: Load;
  /** CPU time over the run, ms: all gateway processes, all simulators. */
  gatewayCpu: number;
  /** The same, per gateway process. */
  perProcessCpu: number[];
  simCpu: number;
  bus: { messages: number; bytes: number };
}

/** `count` processes, the load sent to the first `loaded` of them. */
async function runWith(count: number, sims: SimChild[], seconds: number, colorBase: number, loaded = count): Promise<Run> {
  const urls = sims.map((sim) => sim.url);
  const prefix = benchPrefix();
  const gateways = await startGateways(count, prefix, { comfyUrl: urls[0] as string, comfyUrls: urls, slots: SLOTS, extraYaml: 'log: { access: false }' });
  try {
    const bus = { messages: 0, bytes: 0 };
    const stopListening = await listenToBus(prefix, (_message, _at, bytes) => {
      bus.messages++;
      bus.bytes += bytes;
    });
    const each = (pids: number[]) => Promise.all(pids.map(cpuMsOf));
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    const pids = { gateways: gateways.map((gateway) => gateway.pid), sims: sims.map((sim) => sim.pid) };
    const before = { gateways: await each(pids.gateways), sims: sum(await each(pids.sims)) };
    const load = await drive(gateways.slice(0, loaded).map((gateway) => gateway.url), seconds, colorBase);
    const perProcessCpu = (await each(pids.gateways)).map((ms, i) => ms - (before.gateways[i] as number));
    const simCpu = sum(await each(pids.sims)) - before.sims;
    stopListening();
    return { load, gatewayCpu: sum(perProcessCpu), perProcessCpu, simCpu, bus };
  } finally {
    await Promise.allSettled(gateways.map((gateway) => gateway.stop()));
    await dropPrefix(prefix);
  }
}

/**
 * SCALE_ROUNDS rounds (default 2) of 1, 2, 3 processes, interleaved, the best run of each count kept: on a machine
 * other work shares, a spike of load in one run would otherwise decide the ratio.
 */
export async function throughput(seconds: number): Promise<BenchRow[]> {
  const rounds = Number(process.env.SCALE_ROUNDS ?? 2);
  const rows: BenchRow[] = [];
  const sims: SimChild[] = [];
  try {
    for (let i = 0; i < SIMS; i++) sims.push(await startSimProcess({ runMs: RUN_MS }));
    const best = new Map<number, Run>();
    const all = new Map<number, number[]>();
    for (let round = 0; round < rounds; round++) {
      for (const count of [1, 2, 3]) {
        const run = await runWith(count, sims, seconds, (round * 3 + count) * 1_000_000);
        all.set(count, [...(all.get(count) ?? []), run.load.done / seconds]);
        if (run.load.done > (best.get(count)?.load.done ?? -1)) best.set(count, run);
      }
    }
    // What one process pays for the others' jobs (the event channel, the servers' broadcasts): three processes, the
    // load on the first only.
    // (EmptyImage's colour stops at 0xFFFFFF: this run's colours start above the rounds'.)
    const lopsided = await runWith(3, sims, seconds, 12_000_000, 1);
    if (lopsided.load.failed) console.error(`  throughput, load on one: first failure: ${lopsided.load.firstFailure ?? '?'}`);
    const idle = lopsided.perProcessCpu.slice(1).map((ms) => round(ms / lopsided.load.all, 2));
    rows.push({
      case: CASE, metric: 'throughput, 3 processes, load on one: CPU per job, loaded / each idle process',
      value: round((lopsided.perProcessCpu[0] as number) / lopsided.load.all, 2), unit: `ms / ${idle.join(', ')} ms`,
    });
    const one = (best.get(1)?.load.done ?? Number.NaN) / seconds;
    for (const [count, { load, gatewayCpu, simCpu, bus }] of best) {
      const perSecond = load.done / seconds;
      const latency = summarize(load.latencies);
      const at = `${count} process${count > 1 ? 'es' : ''}`;
      rows.push(
        { case: CASE, metric: `throughput, ${at}: jobs/s (best of ${rounds}; all runs)`, value: round(perSecond, 1), unit: `jobs/s (${all.get(count)!.map((v) => round(v, 1)).join(', ')})` },
        { case: CASE, metric: `throughput, ${at}: job p50 / p99 (submit → answer)`, value: round(latency.p50, 1), unit: `ms / ${round(latency.p99, 1)} ms` },
        { case: CASE, metric: `throughput, ${at}: ratio to one process`, value: round(perSecond / one, 2), unit: 'ratio' },
        { case: CASE, metric: `throughput, ${at}: CPU per job, gateways / simulators`, value: round(gatewayCpu / load.all, 2), unit: `ms / ${round(simCpu / load.all, 2)} ms` },
        {
          case: CASE, metric: `throughput, ${at}: job-event messages per job (mean size)`, value: round(bus.messages / load.all, 1),
          unit: `messages (${Math.round(bus.bytes / Math.max(1, bus.messages))} B)`,
        },
      );
      if (load.failed) {
        rows.push({ case: CASE, metric: `throughput, ${at}: failed jobs`, value: load.failed, unit: 'jobs' });
        console.error(`  throughput, ${at}: first failure: ${load.firstFailure ?? '?'}`);
      }
    }
  } finally {
    await Promise.allSettled(sims.map((sim) => sim.stop()));
  }
  return rows;
}
