// Load proof: 200 concurrent callers submit a tiny workflow for N seconds (60 by default), then the queue drains and
// every prompt_id the gateway accepted must be in the simulator's history: nothing accepted is lost. Refusals are
// counted by code with their message.
//
// Three processes, so that each has its own event loop and the memory figures are the gateway's own: the gateway is
// a child (`src/main.ts` through tsx, access log off so the stdout pipe does not carry a line per request; the
// level stays info, since the child is ready when it logs "gateway listening" at info), the simulator is another
// child, and autocannon runs here. The gateway's RSS is read from /proc/<pid>/status (ps elsewhere) before the load,
// sampled every 100 ms from the start of the load to the end of a 2 s idle after the drain (peak), read at the end
// of that idle, and read again after a forced full GC. Its V8 heap comes from its own GET /metrics
// (nodejs_heap_size_used_bytes) before the load, after the idle and after the GC. The GC is forced through the
// inspector: SIGUSR1 opens it (on a free port: --inspect-port=127.0.0.1:0), and one HeapProfiler.collectGarbage call
// over its WebSocket runs a full collection. Nothing attaches during the load.
//
// The simulator keeps 10000 history entries, as ComfyUI does (MAXIMUM_HISTORY_SIZE), and drops the oldest beyond
// that. So its history is read over HTTP while the load runs (the newest HARVEST_ITEMS entries, oldest first, every
// HARVEST_EVERY_MS), and every id seen is remembered: an accepted id is "lost" only if it never appeared there. A
// read that comes back full and whose oldest entry was not seen before may have skipped entries (the history moved
// on by more than HARVEST_ITEMS between two reads); such reads are counted and must be 0 for "lost" to mean anything.
//
// comfyui.request_timeout_ms stays at its default (30 s), the same as autocannon's timeout.
//
//   tsx bench/cases/load-proof.ts [--seconds 60] [--connections 200]
import autocannon from 'autocannon';
import WebSocket from 'ws';
import type { BenchCase, BenchRow } from '../lib.js';
import { numberOption, round, runAlone } from '../lib.js';
import { rssOf, sampleRss, startGatewayProcess, startSimProcess, type GatewayChild } from '../child-process.js';

const HARVEST_EVERY_MS = 500;
const HARVEST_ITEMS = 4_000;
const DRAIN_TIMEOUT_MS = 120_000;
const IDLE_MS = 2_000;

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
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The history's ids, oldest first (the newest `maxItems` of them if given). */
async function historyIds(simUrl: string, maxItems?: number): Promise<string[]> {
  const query = maxItems ? `?max_items=${maxItems}` : '';
  const response = await fetch(`${simUrl}/history${query}`);
  if (!response.ok) throw new Error(`GET /history: HTTP ${response.status}`);
  return Object.keys((await response.json()) as Record<string, unknown>);
}

async function queueLength(simUrl: string): Promise<number> {
  const queue = (await (await fetch(`${simUrl}/queue`)).json()) as { queue_running: unknown[]; queue_pending: unknown[] };
  return queue.queue_running.length + queue.queue_pending.length;
}

/** The gateway's V8 heap in use, as its own GET /metrics reports it. */
async function heapUsed(gatewayUrl: string): Promise<number> {
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
  const value = /^nodejs_heap_size_used_bytes (\S+)$/m.exec(text)?.[1];
  if (value === undefined) throw new Error('GET /metrics has no nodejs_heap_size_used_bytes (metrics off?)');
  return Number(value);
}

/** Opens the child's inspector (SIGUSR1; the port comes from --inspect-port) and runs one full GC through it. */
async function forceGc(gateway: GatewayChild): Promise<void> {
  const stderr = gateway.process.stderr;
  if (!stderr) throw new Error('the gateway child has no stderr pipe');
  const inspectorUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the gateway did not open its inspector within 5 s')), 5_000);
    const onData = (chunk: Buffer) => {
      const url = /Debugger listening on (ws:\/\/\S+)/.exec(chunk.toString())?.[1];
      if (!url) return;
      clearTimeout(timer);
      stderr.off('data', onData);
      resolve(url);
    };
    stderr.on('data', onData);
    gateway.process.kill('SIGUSR1');
  });
  const socket = new WebSocket(inspectorUrl);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('HeapProfiler.collectGarbage: no answer within 10 s')), 10_000);
      socket.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString()) as { id?: number; error?: { message: string } };
        if (message.id !== 1) return;
        clearTimeout(timer);
        if (message.error) reject(new Error(`HeapProfiler.collectGarbage: ${message.error.message}`));
        else resolve();
      });
      socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }));
    });
  } finally {
    socket.close();
  }
}

export const loadProof: BenchCase = {
  name: 'load-proof',
  description: '200 concurrent submitters; every accepted prompt_id must reach ComfyUI history (lost = 0)',
  async run() {
    const seconds = numberOption('--seconds', 60);
    const connections = option('connections', 200);
    const sim = await startSimProcess({ stepMs: 1 });
    let gateway: GatewayChild | undefined;
    let sampler: ReturnType<typeof sampleRss> | undefined;
    const accepted = new Set<string>();
    const refused = new Map<string, number>();
    const seen = new Set<string>();
    let harvestGaps = 0;
    let harvestErrors = 0;
    let harvesting = true;
    const harvester = (async () => {
      while (harvesting) {
        try {
          const ids = await historyIds(sim.url, HARVEST_ITEMS);
          if (ids.length >= HARVEST_ITEMS && !seen.has(ids[0] as string)) harvestGaps++;
          for (const id of ids) seen.add(id);
        } catch {
          harvestErrors++;
        }
        await sleep(HARVEST_EVERY_MS);
      }
    })();

    try {
      gateway = await startGatewayProcess({
        comfyUrl: sim.url,
        // Nothing may be refused for the proof's sake: the rate limit stays off (its default, said explicitly).
        extraYaml: ['log: { access: false }', 'limits: { requests_per_second: 0 }'].join('\n'),
        nodeArgs: ['--inspect-port=127.0.0.1:0'],
      });
      const gatewayUrl = gateway.url;
      // One request first (the /metrics read itself), so lazily loaded modules of the metrics path are not load.
      await heapUsed(gatewayUrl);
      await sleep(500);
      const heapBefore = await heapUsed(gatewayUrl);
      const rssBefore = await rssOf(gateway.pid);
      sampler = sampleRss(gateway.pid, 100);

      const result = await autocannon({
        url: gatewayUrl,
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
                const key = `HTTP ${status}, code ${parsed.code ?? '-'}: ${String(parsed.message).slice(0, 80)}`;
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
        await sleep(200);
      }
      const drainMs = Date.now() - drainStarted;
      harvesting = false;
      await harvester;
      for (const id of await historyIds(sim.url)) seen.add(id);

      await sleep(IDLE_MS);
      const rssIdle = await rssOf(gateway.pid);
      const heapIdle = await heapUsed(gatewayUrl);
      const { peak: rssPeak } = await sampler.stop();
      await forceGc(gateway);
      const rssGc = await rssOf(gateway.pid);
      const heapGc = await heapUsed(gatewayUrl);

      const lost = [...accepted].filter((id) => !seen.has(id));
      // Prompts that reached ComfyUI although autocannon never read their answer (it stops at the deadline).
      const unreadInHistory = [...seen].filter((id) => !accepted.has(id)).length;
      const refusedTotal = [...refused.values()].reduce((a, b) => a + b, 0);
      const sent = result.requests.sent;
      if (lost.length) console.error(`lost prompt ids (first 10): ${lost.slice(0, 10).join(', ')}`);
      for (const [why, count] of refused) console.error(`refused ${count}× — ${why}`);
      console.error(
        `errors (no answer): ${result.errors}, timeouts: ${result.timeouts}, non-2xx: ${result.non2xx}, ` +
          `history reads: ${harvestErrors} failed, ${harvestGaps} possibly gapped; gateway RSS ${mib(rssBefore)} → ` +
          `peak ${mib(rssPeak)} → ${mib(rssIdle)} idle → ${mib(rssGc)} MiB after GC; heap ${mib(heapBefore)} → ` +
          `${mib(heapIdle)} idle → ${mib(heapGc)} MiB after GC`,
      );
      const name = 'load-proof';
      const rows: BenchRow[] = [
        { case: name, metric: `duration (${connections} connections)`, value: seconds, unit: 's' },
        { case: name, metric: 'requests sent', value: sent, unit: 'requests' },
        { case: name, metric: 'answers received', value: result.requests.total, unit: 'requests' },
        // autocannon stops at the deadline without reading the answers still on their way: never seen as accepted.
        { case: name, metric: 'in flight at the deadline (answer not read)', value: sent - result.requests.total, unit: 'requests' },
        { case: name, metric: '… of which found in history anyway', value: unreadInHistory, unit: 'prompts' },
        { case: name, metric: 'accepted (200, prompt_id)', value: accepted.size, unit: 'requests' },
        { case: name, metric: 'refused (envelope error)', value: refusedTotal, unit: 'requests' },
        ...[...refused].map(([why, count]) => ({ case: name, metric: `refused: ${why}`, value: count, unit: 'requests' })),
        { case: name, metric: 'no answer (socket error / timeout)', value: result.errors, unit: 'requests' },
        { case: name, metric: 'lost (accepted, never in history)', value: lost.length, unit: 'prompts', target: '= 0', pass: lost.length === 0 },
        {
          case: name,
          metric: 'history reads that may have skipped entries',
          value: harvestGaps,
          unit: 'reads',
          target: '= 0',
          pass: harvestGaps === 0,
        },
        { case: name, metric: 'throughput', value: round(result.requests.average, 0), unit: 'req/s' },
        { case: name, metric: 'latency p50', value: result.latency.p50, unit: 'ms' },
        { case: name, metric: 'latency p99', value: result.latency.p99, unit: 'ms' },
        { case: name, metric: 'queue drain after the load', value: drainMs, unit: 'ms' },
        { case: name, metric: 'gateway RSS before the load', value: mib(rssBefore), unit: 'MiB' },
        { case: name, metric: 'gateway RSS peak (load, drain, idle; every 100 ms)', value: mib(rssPeak), unit: 'MiB' },
        { case: name, metric: `gateway RSS after drain + ${IDLE_MS / 1000} s idle`, value: mib(rssIdle), unit: 'MiB' },
        { case: name, metric: 'gateway RSS after a forced full GC', value: mib(rssGc), unit: 'MiB' },
        { case: name, metric: 'gateway V8 heap used before the load', value: mib(heapBefore), unit: 'MiB' },
        { case: name, metric: `gateway V8 heap used after drain + ${IDLE_MS / 1000} s idle`, value: mib(heapIdle), unit: 'MiB' },
        { case: name, metric: 'gateway V8 heap used after a forced full GC', value: mib(heapGc), unit: 'MiB' },
      ];
      return rows;
    } finally {
      harvesting = false;
      await harvester;
      await sampler?.stop();
      await gateway?.stop();
      await sim.stop();
    }
  },
};

await runAlone(loadProof, import.meta.url);
