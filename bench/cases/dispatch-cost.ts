// What one dispatch decision costs the gateway with a large pool and a long queue: 100 backends and 10,000 queued
// jobs (50 callers, 3 priorities, one job in five needing a node only half the backends have, every prompt with
// its own text so no two share requirements). Three decisions are timed, in this process, without I/O:
//  - slot freed: takeFor(that backend), the taken job re-queued so the queue stays at 10,000;
//  - job arrived: chooseBackend over every backend (capability answered by the per-backend cache);
//  - nothing runnable: takeFor on a backend that can run no queued job, the first time (a full walk) and again.
// Also chooseBackend with 10 backends, to show how the cost of a choice follows the pool size.
import { performance } from 'node:perf_hooks';
import { canRun, createCapabilityCheck, readCapabilities, requirementsOf, type Capabilities } from '../../src/backends/capabilities.js';
import { chooseBackend, type Candidate } from '../../src/backends/choose-backend.js';
import { createGatewayQueue, type CanRun, type GatewayQueue } from '../../src/backends/gateway-queue.js';
import type { NodeInfo, ObjectInfo, Workflow } from '../../src/comfy/types.js';
import { round, runAlone, summarize, type BenchCase, type BenchRow } from '../lib.js';

const CASE = 'dispatch-cost';
const BACKENDS = 100;
const QUEUED = 10_000;
const CALLERS = 50;
const DECISIONS = 20_000;
const CHECKPOINTS = ['sd15.safetensors', 'sdxl.safetensors', 'flux.safetensors'];

const nodeInfo = (required: NodeInfo['input']['required']): NodeInfo => ({ input: { required }, output: [], output_node: false, name: '' });

function objectInfo(withIpAdapter: boolean): ObjectInfo {
  const info: ObjectInfo = {
    CheckpointLoaderSimple: nodeInfo({ ckpt_name: [CHECKPOINTS] }),
    KSampler: nodeInfo({ sampler_name: [['euler', 'dpmpp_2m']], scheduler: [['normal', 'karras']], seed: ['INT'] }),
    CLIPTextEncode: nodeInfo({ text: ['STRING'] }),
    EmptyLatentImage: nodeInfo({ width: ['INT'] }),
    VAEDecode: nodeInfo({}),
    SaveImage: nodeInfo({ filename_prefix: ['STRING'] }),
  };
  if (withIpAdapter) info.IPAdapterApply = nodeInfo({ weight: ['FLOAT'] });
  return info;
}

function prompt(i: number, ipAdapter: boolean): Workflow {
  const workflow: Workflow = {
    '3': { class_type: 'KSampler', inputs: { seed: i, sampler_name: 'euler', scheduler: 'normal', model: ['4', 0] } },
    '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: CHECKPOINTS[i % CHECKPOINTS.length] as string } },
    '5': { class_type: 'EmptyLatentImage', inputs: { width: 512 } },
    '6': { class_type: 'CLIPTextEncode', inputs: { text: `prompt number ${i}`, clip: ['4', 1] } },
    '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0] } },
    '9': { class_type: 'SaveImage', inputs: { filename_prefix: 'bench', images: ['8', 0] } },
  };
  if (ipAdapter) workflow['10'] = { class_type: 'IPAdapterApply', inputs: { weight: 1 } };
  return workflow;
}

function fillQueue(queue: GatewayQueue): void {
  for (let i = 0; i < QUEUED; i++) {
    queue.enqueue({
      id: `job-${i}`,
      caller: `caller-${i % CALLERS}`,
      priority: i % 3,
      enqueuedAt: i,
      requirements: requirementsOf(prompt(i, i % 5 === 0)),
    });
  }
}

function time(samples: number[], decide: () => void): void {
  const started = performance.now();
  decide();
  samples.push((performance.now() - started) * 1000);
}

function rows(metric: string, samples: number[]): BenchRow[] {
  const stats = summarize(samples);
  return [
    { case: CASE, metric: `${metric} p50`, value: round(stats.p50, 2), unit: 'µs' },
    { case: CASE, metric: `${metric} p99`, value: round(stats.p99, 2), unit: 'µs' },
  ];
}

function slotFreed(backends: CanRun[]): number[] {
  let clock = QUEUED;
  const queue = createGatewayQueue({ now: () => clock, agingPerMinute: 1 });
  fillQueue(queue);
  const samples: number[] = [];
  for (let i = 0; i < DECISIONS; i++) {
    const canRun = backends[i % backends.length] as CanRun;
    let job: ReturnType<GatewayQueue['takeFor']>;
    time(samples, () => {
      job = queue.takeFor(canRun);
    });
    if (!job) throw new Error('a backend found nothing to run in a full queue');
    // Back in at the end, as a new arrival would be: the queue stays at 10,000.
    queue.enqueue({ ...job, enqueuedAt: ++clock });
  }
  return samples;
}

// A new job is asked about once per backend, so it is checked directly: caching a one-off answer costs more.
function jobArrived(capabilities: Capabilities[]): number[] {
  const candidates: Candidate[] = capabilities.map((_, i) => ({
    name: `gpu-${i}`, weight: 1 + (i % 3), up: true, draining: false, freeSlots: 1 + (i % 2), capable: true,
    lastCheckpoint: CHECKPOINTS[i % CHECKPOINTS.length] as string, startsInMs: (i * 37) % 1000, lastChosenAt: 0,
  }));
  const samples: number[] = [];
  for (let i = 0; i < DECISIONS; i++) {
    const requirements = requirementsOf(prompt(i, i % 5 === 0));
    time(samples, () => {
      for (const [index, candidate] of candidates.entries()) candidate.capable = canRun(requirements, capabilities[index] as Capabilities);
      const chosen = chooseBackend(candidates, { checkpoint: requirements.values.find((v) => v.input === 'ckpt_name')?.value });
      if (chosen) chosen.lastChosenAt = i + 1;
    });
  }
  return samples;
}

function nothingRunnable(): { first: number; again: number } {
  const queue = createGatewayQueue({ now: () => QUEUED, agingPerMinute: 1 });
  fillQueue(queue);
  // A fresh predicate each time is a backend asking for the first time: the whole queue is walked.
  const first: number[] = [];
  for (let i = 0; i < 50; i++) {
    const none: CanRun = (requirements) => requirements.classTypes.length === 0;
    time(first, () => queue.takeFor(none));
  }
  const none: CanRun = (requirements) => requirements.classTypes.length === 0;
  queue.takeFor(none);
  const again: number[] = [];
  for (let i = 0; i < 1_000; i++) time(again, () => queue.takeFor(none));
  return { first: summarize(first).p50, again: summarize(again).p50 };
}

export async function run(): Promise<BenchRow[]> {
  const check = createCapabilityCheck();
  const capabilities = Array.from({ length: BACKENDS }, (_, i) => readCapabilities(objectInfo(i % 2 === 0)));
  const backends: CanRun[] = capabilities.map((caps) => (requirements) => check(requirements, caps));
  // Warm-up: let the JIT compile the paths before they are timed.
  slotFreed(backends);
  const result: BenchRow[] = [
    ...rows(`slot freed: takeFor, ${QUEUED} queued`, slotFreed(backends)),
    ...rows(`job arrived: choose among ${BACKENDS} backends`, jobArrived(capabilities)),
    ...rows('job arrived: choose among 10 backends', jobArrived(capabilities.slice(0, 10))),
  ];
  const nothing = nothingRunnable();
  result.push(
    { case: CASE, metric: `nothing runnable: first walk of ${QUEUED}, p50`, value: round(nothing.first, 1), unit: 'µs' },
    { case: CASE, metric: 'nothing runnable: asked again, p50', value: round(nothing.again, 2), unit: 'µs' },
  );
  return result;
}

export const dispatchCost: BenchCase = {
  name: CASE,
  description: `µs per dispatch decision with ${BACKENDS} backends and ${QUEUED} queued jobs`,
  run,
};

await runAlone(dispatchCost, import.meta.url);
