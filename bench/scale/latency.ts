// Part "latency" of the scale case: what the Redis store adds to a request. One gateway on the memory store and one
// on Redis, each in front of the same simulator, answering the same keyed, rate-limited submission with a fresh
// Idempotency-Key (the wrong-key lockout check, a rate-bucket script, an idempotency claim and a put: four Redis
// round trips), at 1 and 64 connections. The simulator's first node sleeps, so what is measured is the submit path.
// Then the job list the submissions left (`GET /api/v1/jobs?limit=200`, one connection): the process's tracker
// against the index in Redis and 200 records read with it.
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { Pool } from 'undici';
import { startGatewayProcess, startSimProcess } from '../child-process.js';
import { round, summarize, type BenchRow } from '../lib.js';
import { CASE, benchPrefix, dropPrefix, storeYaml } from './shared.js';

const KEY = 'bench-key-0123456789';
const WARM_UP_S = 5;
const workflow = {
  '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 0 } },
  '2': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } },
};
const body = JSON.stringify({ workflow, client_id: 'bench' });
const headers = () => ({ 'content-type': 'application/json', 'x-api-key': KEY, 'idempotency-key': randomUUID() });

interface Measured {
  rps: number;
  p50: number;
  p99: number;
}

async function post(url: string, payload: unknown): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  await response.text();
}

async function sequential(url: string, seconds: number, method: 'POST' | 'GET' = 'POST'): Promise<Measured> {
  const { origin, pathname, search } = new URL(url);
  const pool = new Pool(origin, { connections: 1, pipelining: 1 });
  const samples: number[] = [];
  try {
    const until = performance.now() + seconds * 1000;
    while (performance.now() < until) {
      const started = performance.now();
      const response = await pool.request(
        method === 'POST' ? { method, path: pathname, headers: headers(), body } : { method, path: pathname + search, headers: { 'x-api-key': KEY } },
      );
      await response.body.text();
      if (response.statusCode !== 200) throw new Error(`${url}: HTTP ${response.statusCode}`);
      samples.push(performance.now() - started);
    }
  } finally {
    await pool.close();
  }
  const stats = summarize(samples);
  return { rps: samples.length / seconds, p50: stats.p50, p99: stats.p99 };
}

async function concurrent(url: string, seconds: number, connections: number): Promise<Measured> {
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [{ method: 'POST', body, setupRequest: (request) => ({ ...request, headers: headers() }) }],
  });
  if (result.non2xx || result.errors || result.timeouts) {
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

/** One gateway on `store` in front of a simulator of its own whose first node blocks: every prompt stays queued. */
async function startPair(store: string): Promise<{ url: string; stop(): Promise<void> }> {
  const common = [
    'locale: en',
    'log: { access: false }',
    `auth: { api_keys: ["${KEY}"] }`,
    'limits: { requests_per_second: 1000000, burst: 1000000 }',
  ].join('\n');
  const sim = await startSimProcess();
  try {
    await post(`${sim.url}/__sim/faults`, { nodeDelayMs: { EmptyImage: 600_000 } });
    await post(`${sim.url}/prompt`, { prompt: workflow, client_id: 'bench-blocker' });
    const gateway = await startGatewayProcess({ comfyUrl: sim.url, extraYaml: `${common}\n${store}` });
    return {
      url: gateway.url,
      stop: async () => {
        await gateway.stop();
        await sim.stop();
      },
    };
  } catch (error) {
    await sim.stop();
    throw error;
  }
}

export async function latency(seconds: number): Promise<BenchRow[]> {
  const prefix = benchPrefix();
  const stores = { memory: 'store: { kind: memory }', redis: storeYaml(prefix) };
  const rows: BenchRow[] = [];
  const listed: Record<string, Measured> = {};
  try {
    for (const connections of [1, 64]) {
      const measured: Record<string, Measured> = {};
      // Each measurement has its own gateway and simulator, stopped after it: a gateway left running beside the
      // next one would spend the shared two cores on the thousands of prompts the earlier run left it following.
      for (const [kind, store] of Object.entries(stores)) {
        const pair = await startPair(store);
        try {
          const url = `${pair.url}/api/v1/workflows/submit`;
          // Warmed up first, untimed: a fresh process needs a few thousand requests before its JIT and its heap's
          // young generation settle, and a gateway in service runs warm.
          await sequential(url, WARM_UP_S);
          const m = connections === 1 ? await sequential(url, seconds) : await concurrent(url, seconds, connections);
          measured[kind] = m;
          const at = `${kind} store, ${connections} conn`;
          rows.push(
            { case: CASE, metric: `${at}: requests/s`, value: round(m.rps, 0), unit: 'req/s' },
            { case: CASE, metric: `${at}: p50`, value: round(m.p50, 3), unit: 'ms' },
            { case: CASE, metric: `${at}: p99`, value: round(m.p99, 3), unit: 'ms' },
          );
          // The job list those submissions left, read from the same gateway.
          if (connections === 1) listed[kind] = await sequential(`${pair.url}/api/v1/jobs?limit=200`, seconds, 'GET');
        } finally {
          await pair.stop();
        }
      }
      const added = measured.redis!.p50 - measured.memory!.p50;
      rows.push(
        {
          case: CASE,
          metric: `redis − memory p50, ${connections} conn`,
          value: round(added, 3),
          unit: 'ms',
          ...(connections === 1 ? { target: '< 1', pass: added < 1 } : {}),
        },
        { case: CASE, metric: `redis − memory p99, ${connections} conn`, value: round(measured.redis!.p99 - measured.memory!.p99, 3), unit: 'ms' },
        { case: CASE, metric: `redis / memory throughput, ${connections} conn`, value: round(measured.redis!.rps / measured.memory!.rps, 3), unit: 'ratio' },
      );
    }
    for (const [kind, m] of Object.entries(listed)) {
      rows.push(
        { case: CASE, metric: `${kind} store, list of 200 jobs: requests/s`, value: round(m.rps, 0), unit: 'req/s' },
        { case: CASE, metric: `${kind} store, list of 200 jobs: p50`, value: round(m.p50, 3), unit: 'ms' },
        { case: CASE, metric: `${kind} store, list of 200 jobs: p99`, value: round(m.p99, 3), unit: 'ms' },
      );
    }
    rows.push({ case: CASE, metric: 'redis − memory p50, list of 200 jobs', value: round(listed.redis!.p50 - listed.memory!.p50, 3), unit: 'ms' });
  } finally {
    await dropPrefix(prefix);
  }
  return rows;
}
