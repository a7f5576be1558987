// Load proof: 200 concurrent callers submit a tiny workflow for N seconds (60 by default), then the queue drains and
// every prompt_id the gateway accepted must be in the simulator's history: nothing accepted is lost. Refusals are
// counted by code with their message. Gateway, simulator and load generator share one process, so the memory
// figures (process.memoryUsage()) are that process's, before the load and after the drain.
//
// The simulator keeps 10000 history entries, as ComfyUI does (MAXIMUM_HISTORY_SIZE), and drops the oldest beyond
// that. So the history is read while the load runs (the newest entries, every HARVEST_EVERY_MS), and every id
// seen is remembered: an accepted id is "lost" only if it never appeared there.
//
//   tsx bench/cases/load-proof.ts [--seconds 60] [--connections 200]
import autocannon from 'autocannon';
import type { BenchCase, BenchRow } from '../lib.js';
import { numberOption, round, runAlone, startBenchGateway } from '../lib.js';
import { startSimulator } from '../../src/sim/index.js';

const HARVEST_EVERY_MS = 500;
const HARVEST_ITEMS = 4_000;
const DRAIN_TIMEOUT_MS = 120_000;

/** Identical every time: after the first run, ComfyUI's cache answers each prompt without executing a node. */
const workflow = {
  '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 0 } },
  '2': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } },
};

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : Number.NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const mib = (bytes: number) => round(bytes / 2 ** 20, 1);

async function historyIds(simUrl: string, maxItems?: number): Promise<string[]> {
  const query = maxItems ? `?max_items=${maxItems}` : '';
  const response = await fetch(`${simUrl}/history${query}`);
  return Object.keys((await response.json()) as Record<string, unknown>);
}

async function queueLength(simUrl: string): Promise<number> {
  const queue = (await (await fetch(`${simUrl}/queue`)).json()) as { queue_running: unknown[]; queue_pending: unknown[] };
  return queue.queue_running.length + queue.queue_pending.length;
}

export const loadProof: BenchCase = {
  name: 'load-proof',
  description: '200 concurrent submitters; every accepted prompt_id must reach ComfyUI history (lost = 0)',
  async run() {
    const seconds = numberOption('--seconds', 60);
    const connections = option('connections', 200);
    const sim = await startSimulator({ port: 0, stepMs: 1 });
    const gateway = await startBenchGateway({
      comfyui: { url: sim.url, request_timeout_ms: 60_000 },
      // Nothing may be refused for the proof's sake: the rate limit stays off (its default).
      limits: { requests_per_second: 0 },
    });
    const accepted = new Set<string>();
    const refused = new Map<string, number>();
    const seen = new Set<string>();
    let harvesting = true;
    const harvester = (async () => {
      while (harvesting) {
        for (const id of await historyIds(sim.url, HARVEST_ITEMS).catch(() => [])) seen.add(id);
        await new Promise((resolve) => setTimeout(resolve, HARVEST_EVERY_MS));
      }
    })();

    try {
      global.gc?.();
      const before = process.memoryUsage();
      const result = await autocannon({
        url: gateway.url,
        connections,
        duration: seconds,
        timeout: 30,
        requests: [
          {
            method: 'POST',
            path: '/api/v1/workflows/submit',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ workflow, client_id: 'load-proof' }),
            onResponse(status: number, body: string) {
              let parsed: { code?: number; message?: string; data?: { prompt_id?: string } } = {};
              try {
                parsed = JSON.parse(body) as typeof parsed;
              } catch {
                parsed = { message: `not JSON (HTTP ${status})` };
              }
              if (status === 200 && parsed.data?.prompt_id) accepted.add(parsed.data.prompt_id);
              else {
                const key = `${parsed.code ?? status}: ${String(parsed.message).slice(0, 80)}`;
                refused.set(key, (refused.get(key) ?? 0) + 1);
              }
            },
          },
        ],
      });

      // Drain: the queue empties, then one last full read of the history.
      const drainStarted = Date.now();
      while ((await queueLength(sim.url)) > 0) {
        if (Date.now() - drainStarted > DRAIN_TIMEOUT_MS) throw new Error('the queue did not drain within 120 s');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const drainMs = Date.now() - drainStarted;
      harvesting = false;
      await harvester;
      for (const id of await historyIds(sim.url)) seen.add(id);
      global.gc?.();
      const after = process.memoryUsage();

      const lost = [...accepted].filter((id) => !seen.has(id));
      const refusedTotal = [...refused.values()].reduce((a, b) => a + b, 0);
      const sent = result.requests.sent;
      if (lost.length) console.error(`lost prompt ids (first 10): ${lost.slice(0, 10).join(', ')}`);
      for (const [why, count] of refused) console.error(`refused ${count}× — ${why}`);
      console.error(
        `errors (no answer): ${result.errors}, timeouts: ${result.timeouts}, non-2xx: ${result.non2xx}, ` +
          `memory: ${mib(before.rss)} → ${mib(after.rss)} MiB RSS, ${mib(before.heapUsed)} → ${mib(after.heapUsed)} MiB heap`,
      );
      const name = 'load-proof';
      const rows: BenchRow[] = [
        { case: name, metric: `duration (${connections} connections)`, value: seconds, unit: 's' },
        { case: name, metric: 'requests sent', value: sent, unit: 'requests' },
        { case: name, metric: 'answers received', value: result.requests.total, unit: 'requests' },
        // autocannon stops at the deadline without reading the answers still on their way: never seen as accepted.
        { case: name, metric: 'in flight at the deadline (answer not read)', value: sent - result.requests.total, unit: 'requests' },
        { case: name, metric: 'accepted (200, prompt_id)', value: accepted.size, unit: 'requests' },
        { case: name, metric: 'refused (envelope error)', value: refusedTotal, unit: 'requests' },
        { case: name, metric: 'no answer (socket error / timeout)', value: result.errors, unit: 'requests' },
        { case: name, metric: 'lost (accepted, never in history)', value: lost.length, unit: 'prompts', target: '= 0', pass: lost.length === 0 },
        { case: name, metric: 'throughput', value: round(result.requests.average, 0), unit: 'req/s' },
        { case: name, metric: 'latency p50', value: result.latency.p50, unit: 'ms' },
        { case: name, metric: 'latency p99', value: result.latency.p99, unit: 'ms' },
        { case: name, metric: 'queue drain after the load', value: drainMs, unit: 'ms' },
        { case: name, metric: 'RSS before (whole process)', value: mib(before.rss), unit: 'MiB' },
        { case: name, metric: 'RSS after drain (whole process)', value: mib(after.rss), unit: 'MiB' },
        { case: name, metric: 'heap used before', value: mib(before.heapUsed), unit: 'MiB' },
        { case: name, metric: 'heap used after drain', value: mib(after.heapUsed), unit: 'MiB' },
      ];
      return rows;
    } finally {
      harvesting = false;
      await harvester;
      await gateway.close();
      await sim.close();
    }
  },
};

await runAlone(loadProof, import.meta.url);
