// Part "events" of the scale case: cross-process event delivery. Two gateway processes A and B on one Redis, one
// simulator. Jobs (20-step text2img, every step a `progress` event) are submitted through A for client id "ev"; that
// caller has a WebSocket on B and one on A. ComfyUI sends the events to A's upstream socket only; B's socket gets
// them from A through Redis pub/sub (A relays, publishes; B receives, relays). The delay is measured from the
// simulator sending each event to the socket receiving it: the simulator runs in this process with an onSend hook,
// and both sockets live here too, so both ends are read on one clock. (A's own receipt would need a clock inside A;
// the simulator → A hop is one loopback WebSocket frame, and the socket on A measures exactly that path, so B − A is
// what crossing processes adds.) Lost = events the simulator sent for the jobs minus what each socket received.
import { startSimulator } from 'comfyui-sim';
import WebSocket from 'ws';
import { RELAYED_EVENTS } from '../../src/jobs/relay.js';
import { upstreamConnected, type GatewayChild } from '../child-process.js';
import { round, summarize, type BenchRow } from '../lib.js';
import { CASE, benchPrefix, dropPrefix, startGateways } from './shared.js';
import { text2img } from '../text2img.js';

const JOBS = 40;
const STEPS = 20;
const CLIENT = 'ev';
const RELAYED: ReadonlySet<string> = new Set(RELAYED_EVENTS);

const eventKey = (promptId: string, type: string, data: Record<string, unknown>) =>
  `${promptId} ${type} ${String(data.value ?? data.node ?? '')}`;

interface Receiver {
  delays: number[];
  received: Map<string, number>;
  ended: Set<string>;
  socket: WebSocket;
}

async function receiver(url: string, sentAt: Map<string, number>): Promise<Receiver> {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/api/v1/ws/${CLIENT}`, { perMessageDeflate: false });
  const self: Receiver = { delays: [], received: new Map(), ended: new Set(), socket };
  socket.on('message', (raw) => {
    const now = performance.now();
    const message = JSON.parse(raw.toString()) as { type: string; data: Record<string, unknown> };
    const promptId = message.data?.prompt_id;
    if (typeof promptId !== 'string' || !RELAYED.has(message.type)) return;
    self.received.set(promptId, (self.received.get(promptId) ?? 0) + 1);
    const sent = sentAt.get(eventKey(promptId, message.type, message.data));
    if (sent !== undefined) self.delays.push(now - sent);
    if (message.type === 'execution_success') self.ended.add(promptId);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return self;
}

export async function events(): Promise<BenchRow[]> {
  const sentAt = new Map<string, number>();
  const sentPerPrompt = new Map<string, number>();
  const sim = await startSimulator({
    port: 0,
    stepMs: 5,
    onSend(event, data) {
      const fields = data as Record<string, unknown> | null;
      const promptId = fields?.prompt_id;
      if (typeof promptId !== 'string' || !RELAYED.has(event)) return;
      sentAt.set(eventKey(promptId, event, fields as Record<string, unknown>), performance.now());
      sentPerPrompt.set(promptId, (sentPerPrompt.get(promptId) ?? 0) + 1);
    },
  });
  const prefix = benchPrefix();
  const rows: BenchRow[] = [];
  try {
    const [a, b] = (await startGateways(2, prefix, { comfyUrl: sim.url, extraYaml: 'log: { access: false }' })) as [GatewayChild, GatewayChild];
    try {
      await upstreamConnected(a.url);
      const onB = await receiver(b.url, sentAt);
      const onA = await receiver(a.url, sentAt);
      try {
        const ids: string[] = [];
        for (let j = 0; j < JOBS; j++) {
          const response = await fetch(`${a.url}/api/v1/workflows/submit`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ workflow: text2img(Date.now() * 1000 + j, STEPS, 'scale'), client_id: CLIENT }),
          });
          if (!response.ok) throw new Error(`submit through A: HTTP ${response.status} ${await response.text()}`);
          ids.push(((await response.json()) as { data: { prompt_id: string } }).data.prompt_id);
        }
        const deadline = performance.now() + 120_000;
        while (ids.some((id) => !onB.ended.has(id) || !onA.ended.has(id)) && performance.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        // Frames still on their way after the last success would count: give them a moment.
        await new Promise((resolve) => setTimeout(resolve, 200));
        const sent = ids.reduce((sum, id) => sum + (sentPerPrompt.get(id) ?? 0), 0);
        for (const [label, socket] of [['B (other process)', onB], ['A (same process)', onA]] as const) {
          const got = ids.reduce((sum, id) => sum + (socket.received.get(id) ?? 0), 0);
          const stats = summarize(socket.delays);
          const target = label.startsWith('B') ? { target: '< 20', pass: stats.p99 < 20 } : {};
          rows.push(
            { case: CASE, metric: `events, socket on ${label}: delay p50`, value: round(stats.p50, 2), unit: 'ms' },
            { case: CASE, metric: `events, socket on ${label}: delay p99`, value: round(stats.p99, 2), unit: 'ms', ...target },
            { case: CASE, metric: `events, socket on ${label}: delay max`, value: round(stats.max, 2), unit: 'ms' },
            {
              case: CASE, metric: `events, socket on ${label}: lost of ${sent} sent`, value: sent - got, unit: 'events',
              target: '= 0', pass: sent === got,
            },
          );
        }
      } finally {
        onA.socket.terminate();
        onB.socket.terminate();
      }
    } finally {
      await Promise.allSettled([a.stop(), b.stop()]);
    }
  } finally {
    await sim.close();
    await dropPrefix(prefix);
  }
  return rows;
}
