// What the pool benchmark needs around a dispatcher: simulated servers (each its own process, so that N of them
// really run side by side), a job list that every dispatcher gets the same, and the truth about each job read from
// the servers themselves. Every ComfyUI history entry keeps the prompt's execution_start and execution_success
// messages with their timestamps, so when a job started, where it ran and how often it ran come from the servers,
// not from whichever dispatcher is being measured.
import { startSimProcess, type SimChild } from './child-process.js';

export interface Dispatcher {
  label: string;
  /** Sends one prompt on its way; resolves with the prompt_id it got. */
  submit(workflow: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

export interface Job {
  index: number;
  kind: 'short' | 'long';
  /** When it is submitted, ms after the run starts. */
  at: number;
}

/** Seeded, so every dispatcher gets the same job list (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` jobs, `longShare` of them long, arriving as a Poisson process at `perSecond` (0: all at once). */
export function jobList(count: number, longShare: number, perSecond: number, seed = 12): Job[] {
  const next = random(seed);
  let at = 0;
  return Array.from({ length: count }, (_, index) => {
    if (perSecond > 0 && index > 0) at += (-Math.log(1 - next()) / perSecond) * 1000;
    return { index, kind: next() < longShare ? 'long' : 'short', at: Math.round(at) };
  });
}

/** The servers, each a `npm run sim` process on a free port. */
export async function startSims(count: number, options: { stepMs?: number; runMs?: number }): Promise<SimChild[]> {
  const sims: SimChild[] = [];
  try {
    for (let i = 0; i < count; i++) sims.push(await startSimProcess(options));
  } catch (error) {
    await Promise.allSettled(sims.map((sim) => sim.stop()));
    throw error;
  }
  return sims;
}

export interface Execution {
  sim: number;
  start: number;
  end: number;
  ok: boolean;
}

type HistoryEntry = { status?: { status_str: string; messages: [string, { timestamp?: number }][] } };

/** Every execution each server remembers, by prompt_id (a prompt that ran twice has two). */
export async function readExecutions(simUrls: readonly string[], into = new Map<string, Execution[]>()): Promise<Map<string, Execution[]>> {
  await Promise.all(simUrls.map(async (url, sim) => {
    let history: Record<string, HistoryEntry>;
    try {
      history = (await (await fetch(`${url}/history`)).json()) as Record<string, HistoryEntry>;
    } catch {
      return; // a server that is down has nothing to add now; what it had was read before
    }
    for (const [id, entry] of Object.entries(history)) {
      const runs = into.get(id) ?? [];
      if (runs.some((run) => run.sim === sim)) continue;
      const messages = entry.status?.messages ?? [];
      const time = (type: string): number => messages.find(([t]) => t === type)?.[1].timestamp ?? Number.NaN;
      const end = messages.at(-1)?.[1].timestamp ?? Number.NaN;
      runs.push({ sim, start: time('execution_start'), end, ok: entry.status?.status_str === 'success' });
      into.set(id, runs);
    }
  }));
  return into;
}

/** Prompt ids a server holds right now, running or waiting. */
export async function queuedIds(url: string): Promise<string[]> {
  const queue = (await (await fetch(`${url}/queue`)).json()) as { queue_running: [unknown, string][]; queue_pending: [unknown, string][] };
  return [...queue.queue_running, ...queue.queue_pending].map((item) => item[1]);
}

export interface RunResult {
  /** prompt_id → job, for every submission that was accepted. */
  accepted: Map<string, Job>;
  refused: number;
  submittedAt: Map<string, number>;
  executions: Map<string, Execution[]>;
  /** Accepted ids that never appeared in any server's history. */
  missing: string[];
  startedAt: number;
}

export interface RunOptions {
  jobs: readonly Job[];
  workflow(job: Job): Record<string, unknown>;
  simUrls: readonly string[];
  /** Give up waiting for the last jobs after this long without progress. */
  stallMs?: number;
  /** Called on every poll while the jobs run (the failover case kills a server from here). */
  onPoll?(progress: { done: number; executions: Map<string, Execution[]> }): Promise<void>;
}

/** Submits every job at its time through the dispatcher, then waits until each has run (or stalls). */
export async function runJobs(dispatcher: Dispatcher, options: RunOptions): Promise<RunResult> {
  const accepted = new Map<string, Job>();
  const submittedAt = new Map<string, number>();
  let refused = 0;
  const startedAt = Date.now();
  const submissions = options.jobs.map(async (job) => {
    const wait = startedAt + job.at - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const at = Date.now();
    try {
      const id = await dispatcher.submit(options.workflow(job));
      accepted.set(id, job);
      submittedAt.set(id, at);
    } catch {
      refused++;
    }
  });
  const executions = new Map<string, Execution[]>();
  let allSubmitted = false;
  void Promise.all(submissions).then(() => (allSubmitted = true));
  let lastProgress = Date.now();
  let lastDone = -1;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    await readExecutions(options.simUrls, executions);
    const done = [...accepted.keys()].filter((id) => executions.has(id)).length;
    await options.onPoll?.({ done, executions });
    if (done !== lastDone) {
      lastDone = done;
      lastProgress = Date.now();
    }
    if (allSubmitted && done === accepted.size) break;
    if (allSubmitted && Date.now() - lastProgress > (options.stallMs ?? 15_000)) break;
  }
  const missing = [...accepted.keys()].filter((id) => !executions.has(id));
  return { accepted, refused, submittedAt, executions, missing, startedAt };
}

/** Makespan (first submission → last end) and waits (submission → first start) by kind, in ms. */
export function measure(result: RunResult): { makespan: number; waits: Record<Job['kind'], number[]>; perSim: number[] } {
  const waits: Record<Job['kind'], number[]> = { short: [], long: [] };
  let last = result.startedAt;
  const perSim: number[] = [];
  for (const [id, job] of result.accepted) {
    const runs = result.executions.get(id);
    if (!runs?.length) continue;
    const first = runs.reduce((a, b) => (a.start <= b.start ? a : b));
    waits[job.kind].push(first.start - (result.submittedAt.get(id) ?? result.startedAt));
    last = Math.max(last, ...runs.map((run) => run.end));
    perSim[first.sim] = (perSim[first.sim] ?? 0) + 1;
  }
  return { makespan: last - result.startedAt, waits, perSim: Array.from(perSim, (n) => n ?? 0) };
}

/** Prompts that ran more than once across all servers. */
export function ranTwice(result: RunResult): number {
  return [...result.accepted.keys()].filter((id) => (result.executions.get(id)?.length ?? 0) > 1).length;
}
