// What the gateway adds to a submission: the same small prompt sent (a) straight to the simulator's /prompt,
// (b) through POST /api/v1/workflows/submit, and the shipped invert scenario sent (a') straight as the workflow it
// builds and (c) through POST /api/v1/scenarios/invert; at 1 and 64 connections. Simulator and gateway are child
// processes; the load comes from this one. The simulator's first node sleeps for ten minutes, so after the first
// prompt nothing executes: what is measured is the submit path (validate, queue, answer), not image work.
// Concurrency 1 is timed here per request (performance.now, sub-millisecond; autocannon's histogram keeps whole
// milliseconds); 64 connections use autocannon. `--seconds N` shortens each run (default 10).
import autocannon from 'autocannon';
import sharp from 'sharp';
import path from 'node:path';
import { Pool } from 'undici';
import { startGatewayProcess, startSimProcess, type SimChild } from '../child-process.js';
import { numberOption, round, runAlone, summarize, type BenchCase, type BenchRow } from '../lib.js';

const CASE = 'submit-overhead';
const smallWorkflow = {
  '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 0 } },
  '2': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } },
};

interface Target {
  label: string;
  url: string;
  body: string;
}

interface Measured {
  rps: number;
  p50: number;
  p99: number;
}

async function post(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
  const text = await response.text();
  return text ? JSON.parse(text) : undefined;
}

/** Pending prompts go; the one running keeps sleeping, so nothing executes during the next run either. */
async function clearQueue(sim: SimChild): Promise<void> {
  await post(`${sim.url}/queue`, { clear: true });
}

async function sequential(target: Target, seconds: number): Promise<Measured> {
  const { origin, pathname } = new URL(target.url);
  const pool = new Pool(origin, { connections: 1, pipelining: 1 });
  const samples: number[] = [];
  const headers = { 'content-type': 'application/json' };
  try {
    const until = performance.now() + seconds * 1000;
    while (performance.now() < until) {
      const started = performance.now();
      const response = await pool.request({ method: 'POST', path: pathname, headers, body: target.body });
      await response.body.text();
      if (response.statusCode !== 200) throw new Error(`${target.label}: HTTP ${response.statusCode}`);
      samples.push(performance.now() - started);
    }
  } finally {
    await pool.close();
  }
  const stats = summarize(samples);
  return { rps: samples.length / seconds, p50: stats.p50, p99: stats.p99 };
}

async function concurrent(target: Target, seconds: number, connections: number): Promise<Measured> {
  const result = await autocannon({
    url: target.url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: target.body,
    connections,
    duration: seconds,
  });
  if (result.non2xx || result.errors || result.timeouts) {
    throw new Error(`${target.label}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

export const submitOverhead: BenchCase = {
  name: CASE,
  description: 'submit through the gateway vs straight to the simulator, 1 and 64 connections',
  async run() {
    const seconds = numberOption('--seconds', 10);
    const sim = await startSimProcess();
    const rows: BenchRow[] = [];
    try {
      await sharp({ create: { width: 8, height: 8, channels: 3, background: '#336699' } })
        .png()
        .toFile(path.join(sim.dataDir, 'input', 'bench.png'));
      const gateway = await startGatewayProcess({ comfyUrl: sim.url });
      try {
        await post(`${sim.url}/__sim/faults`, { nodeDelayMs: { EmptyImage: 600_000, LoadImage: 600_000 } });
        // One prompt to occupy the executor for the whole run.
        await post(`${sim.url}/prompt`, { prompt: smallWorkflow, client_id: 'bench-blocker' });
        const built = (await post(`${gateway.url}/api/v1/scenarios/invert?dry_run=true`, { input_image: 'bench.png' })) as {
          data: { workflow: unknown };
        };
        const targets: Target[] = [
          { label: 'a direct', url: `${sim.url}/prompt`, body: JSON.stringify({ prompt: smallWorkflow, client_id: 'bench' }) },
          {
            label: 'b workflows/submit',
            url: `${gateway.url}/api/v1/workflows/submit`,
            body: JSON.stringify({ workflow: smallWorkflow, client_id: 'bench' }),
          },
          { label: "a' direct invert", url: `${sim.url}/prompt`, body: JSON.stringify({ prompt: built.data.workflow, client_id: 'bench' }) },
          {
            label: 'c scenarios/invert',
            url: `${gateway.url}/api/v1/scenarios/invert`,
            body: JSON.stringify({ input_image: 'bench.png', client_id: 'bench' }),
          },
        ];
        for (const connections of [1, 64]) {
          const measured = new Map<string, Measured>();
          for (const target of targets) {
            await clearQueue(sim);
            const m = connections === 1 ? await sequential(target, seconds) : await concurrent(target, seconds, connections);
            measured.set(target.label, m);
            const at = `${target.label}, ${connections} conn`;
            rows.push(
              { case: CASE, metric: `${at}: requests/s`, value: round(m.rps, 0), unit: 'req/s' },
              { case: CASE, metric: `${at}: p50`, value: round(m.p50, 3), unit: 'ms' },
              { case: CASE, metric: `${at}: p99`, value: round(m.p99, 3), unit: 'ms' },
            );
          }
          rows.push(...ratios(measured, connections));
        }
      } finally {
        await gateway.stop();
      }
    } finally {
      await sim.stop();
    }
    return rows;
  },
};

function ratios(measured: Map<string, Measured>, connections: number): BenchRow[] {
  const rows: BenchRow[] = [];
  const pairs = [
    ['b', measured.get('b workflows/submit'), measured.get('a direct')],
    ['c', measured.get('c scenarios/invert'), measured.get("a' direct invert")],
  ] as const;
  for (const [name, via, direct] of pairs) {
    if (!via || !direct) continue;
    const share = via.rps / direct.rps;
    const added = via.p50 - direct.p50;
    rows.push({
      case: CASE,
      metric: `${name}/a throughput, ${connections} conn`,
      value: round(share, 3),
      unit: 'ratio',
      ...(connections === 64 ? { target: '≥ 0.6', pass: share >= 0.6 } : {}),
    });
    rows.push({ case: CASE, metric: `${name}/a p50 latency, ${connections} conn`, value: round(via.p50 / direct.p50, 3), unit: 'ratio' });
    rows.push({ case: CASE, metric: `${name}/a p99 latency, ${connections} conn`, value: round(via.p99 / direct.p99, 3), unit: 'ratio' });
    if (connections === 1) {
      rows.push({ case: CASE, metric: `${name}: added p50 latency, 1 conn`, value: round(added, 3), unit: 'ms', target: '< 0.5', pass: added < 0.5 });
    }
  }
  return rows;
}

await runAlone(submitOverhead, import.meta.url);
