// Progress fan-out: 1,000 gateway WebSockets and 100 queued jobs of a 20-step text2img-style workflow (the
// simulator's KSampler sends one `progress` per step). Two shapes: (A) 10 client_ids × 100 sockets each, so every
// event goes to 100 sockets; (B) 1,000 client_ids × 1 socket, jobs on 100 of them, so 900 sockets idle while
// events flow (the cost of one event must not grow with everyone connected). The delay is from the simulator
// sending the event (its onSend hook, in this process) to each gateway socket receiving it (also in this process:
// one clock). The gateway is a child process. Lost = events the simulator sent for a job × that job's sockets,
// minus what those sockets received.
import WebSocket from 'ws';
import { startGatewayProcess, upstreamConnected, type GatewayChild } from '../child-process.js';
import { startSimulator } from 'comfyui-sim';
import { round, runAlone, summarize, type BenchCase, type BenchRow } from '../lib.js';
import { RELAYED_EVENTS } from '../../src/jobs/relay.js';
import { text2img } from '../text2img.js';

const CASE = 'fanout';
const JOBS = 100;
const STEPS = 20;
const SOCKETS = 1000;
/** Events the gateway relays to the caller: the relay's own list, so the count of expected messages follows it. */
const RELAYED: ReadonlySet<string> = new Set(RELAYED_EVENTS);

/** Upstream send times: `${prompt_id} ${type} ${value}` → ms; and how many relayed events each prompt had. */
interface Upstream {
  sentAt: Map<string, number>;
  sentPerPrompt: Map<string, number>;
}

const eventKey = (promptId: string, type: string, data: Record<string, unknown>) =>
  `${promptId} ${type} ${String(data.value ?? data.node ?? '')}`;

async function openSockets(url: string, clientIds: string[], onMessage: (text: string) => void): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  const base = url.replace(/^http/, 'ws');
  // In batches, so the upgrade burst does not measure the accept queue.
  for (let i = 0; i < clientIds.length; i += 50) {
    const batch = clientIds.slice(i, i + 50).map(
      (clientId) =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(`${base}/api/v1/ws/${clientId}`, { perMessageDeflate: false });
          ws.once('open', () => resolve(ws));
          ws.once('error', reject);
          ws.on('message', (raw) => onMessage(raw.toString()));
        }),
    );
    sockets.push(...(await Promise.all(batch)));
  }
  return sockets;
}

async function shape(
  label: string,
  gateway: GatewayChild,
  upstream: Upstream,
  socketClients: string[],
  jobClients: string[],
): Promise<BenchRow[]> {
  const delays: number[] = [];
  const received = new Map<string, number>();
  const successes = new Map<string, number>();
  const onMessage = (text: string): void => {
    const now = performance.now();
    const message = JSON.parse(text) as { type: string; data: Record<string, unknown> };
    const promptId = message.data?.prompt_id;
    if (typeof promptId !== 'string' || !RELAYED.has(message.type)) return;
    received.set(promptId, (received.get(promptId) ?? 0) + 1);
    const sent = upstream.sentAt.get(eventKey(promptId, message.type, message.data));
    if (sent !== undefined) delays.push(now - sent);
    if (message.type === 'execution_success') successes.set(promptId, (successes.get(promptId) ?? 0) + 1);
  };
  const sockets = await openSockets(gateway.url, socketClients, onMessage);
  const socketsPer = new Map<string, number>();
  for (const id of socketClients) socketsPer.set(id, (socketsPer.get(id) ?? 0) + 1);
  try {
    const jobs: { promptId: string; clientId: string }[] = [];
    for (let j = 0; j < JOBS; j++) {
      const clientId = jobClients[j % jobClients.length] as string;
      const response = await fetch(`${gateway.url}/api/v1/workflows/submit`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ workflow: text2img(Date.now() * 1000 + j, STEPS, 'fan-out'), client_id: clientId }),
      });
      const answer = (await response.json()) as { data: { prompt_id: string } };
      jobs.push({ promptId: answer.data.prompt_id, clientId });
    }
    const deadline = performance.now() + 180_000;
    while (jobs.some((job) => (successes.get(job.promptId) ?? 0) < (socketsPer.get(job.clientId) ?? 0))) {
      if (performance.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // A straggler after the last success would still count: give in-flight frames a moment.
    await new Promise((resolve) => setTimeout(resolve, 200));
    let expected = 0;
    let got = 0;
    for (const job of jobs) {
      expected += (upstream.sentPerPrompt.get(job.promptId) ?? 0) * (socketsPer.get(job.clientId) ?? 0);
      got += received.get(job.promptId) ?? 0;
    }
    const lost = expected - got;
    const stats = summarize(delays);
    return [
      { case: CASE, metric: `${label}: delay p50`, value: round(stats.p50, 2), unit: 'ms' },
      { case: CASE, metric: `${label}: delay p99`, value: round(stats.p99, 2), unit: 'ms', target: '< 20', pass: stats.p99 < 20 },
      { case: CASE, metric: `${label}: delay max`, value: round(stats.max, 2), unit: 'ms' },
      { case: CASE, metric: `${label}: messages delivered`, value: got, unit: 'messages' },
      { case: CASE, metric: `${label}: messages lost`, value: lost, unit: 'messages', target: '= 0', pass: lost === 0 },
    ];
  } finally {
    for (const ws of sockets) ws.terminate();
  }
}

export const fanout: BenchCase = {
  name: CASE,
  description: '1,000 gateway WebSockets, 100 jobs × 20 progress steps: upstream → socket delay and losses',
  async run() {
    const upstream: Upstream = { sentAt: new Map(), sentPerPrompt: new Map() };
    const sim = await startSimulator({
      port: 0,
      stepMs: 2,
      onSend(event, data) {
        const fields = data as Record<string, unknown> | null;
        const promptId = fields?.prompt_id;
        if (typeof promptId !== 'string' || !RELAYED.has(event)) return;
        upstream.sentAt.set(eventKey(promptId, event, fields as Record<string, unknown>), performance.now());
        upstream.sentPerPrompt.set(promptId, (upstream.sentPerPrompt.get(promptId) ?? 0) + 1);
      },
    });
    const rows: BenchRow[] = [];
    try {
      const gateway = await startGatewayProcess({
        comfyUrl: sim.url,
        // All 1,000 sockets come from one address, which is one owner without API keys (max_sockets_per_key).
        extraYaml: 'websocket: { max_sockets_per_client: 100, max_sockets_per_key: 1000 }',
      });
      try {
        await upstreamConnected(gateway.url);
        const ten = Array.from({ length: 10 }, (_, i) => `fan-${i}`);
        const wide = Array.from({ length: SOCKETS / 10 }, () => ten).flat();
        rows.push(...(await shape('10 clients × 100 sockets', gateway, upstream, wide, ten)));
        const thousand = Array.from({ length: SOCKETS }, (_, i) => `solo-${i}`);
        rows.push(...(await shape('1,000 clients × 1 socket (100 busy)', gateway, upstream, thousand, thousand.slice(0, JOBS))));
      } finally {
        await gateway.stop();
      }
    } finally {
      await sim.close();
    }
    return rows;
  },
};

await runAlone(fanout, import.meta.url);
