// Part "kill" of the scale case: two gateway processes on one Redis in front of two simulators (default 2 slots
// each, so most jobs wait in the gateways' own queues), 500 jobs submitted alternately through both, each with a
// webhook to a receiver in this process. Once KILL_AFTER jobs have run, process A is killed with SIGKILL. Reported:
//  - lost: accepted and never ended (read through the survivor at the end); failed with gateway_lost (a job still in
//    the dead process's own queue: its adopter fails it, "submit it again") apart from other failures;
//  - run twice: a prompt_id with more than one execution_start sent by the simulators (both run in this process, with
//    an onSend hook: that covers two simulators and twice on one);
//  - webhooks: per ended job, how many messages (distinct webhook-id) and deliveries arrived: missing, duplicates;
//  - kill → adoption: from the kill to the first message the survivor publishes on the job-event channel about a job
//    of the dead process (this process listens to that channel).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSimulator, type Simulator } from 'comfyui-sim';
import { round, type BenchRow } from '../lib.js';
import { CASE, benchPrefix, dropPrefix, listenToBus, startGateways, tinyWorkflow } from './shared.js';

const JOBS = 500;
const RUN_MS = 40;
const KILL_AFTER = 150;
const SUBMITTING = 20;
const SECRET = 'whsec_' + Buffer.from('bench-scale-kill-secret-0123456789').toString('base64');
const ENDED = new Set(['succeeded', 'failed', 'interrupted', 'cancelled']);

interface Webhooks {
  url: string;
  server: Server;
  /** prompt_id → webhook-id → deliveries */
  byJob: Map<string, Map<string, number>>;
  lastAt: number;
}

async function webhookReceiver(): Promise<Webhooks> {
  const hooks: Webhooks = { url: '', server: createServer(), byJob: new Map(), lastAt: 0 };
  hooks.server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const id = String(req.headers['webhook-id'] ?? '');
      const promptId = (JSON.parse(Buffer.concat(chunks).toString()) as { data?: { prompt_id?: string } }).data?.prompt_id ?? '?';
      const messages = hooks.byJob.get(promptId) ?? new Map<string, number>();
      messages.set(id, (messages.get(id) ?? 0) + 1);
      hooks.byJob.set(promptId, messages);
      hooks.lastAt = performance.now();
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => hooks.server.listen(0, '127.0.0.1', resolve));
  hooks.url = `http://127.0.0.1:${(hooks.server.address() as AddressInfo).port}/hook`;
  return hooks;
}

/** Waits until `done()` or `quietMs` pass with `progress()` unchanged. */
async function settle(done: () => boolean, progress: () => number, quietMs: number): Promise<void> {
  let last = progress();
  let since = performance.now();
  while (!done()) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = progress();
    if (now !== last) {
      last = now;
      since = performance.now();
    } else if (performance.now() - since > quietMs) return;
  }
}

export async function kill(): Promise<BenchRow[]> {
  const starts = new Map<string, number>();
  let runs = 0;
  const sims: Simulator[] = [];
  const onSend = (event: string, data: unknown): void => {
    const promptId = (data as { prompt_id?: unknown } | null)?.prompt_id;
    if (typeof promptId !== 'string') return;
    if (event === 'execution_start') starts.set(promptId, (starts.get(promptId) ?? 0) + 1);
    if (event === 'execution_success') runs++;
  };
  for (let i = 0; i < 2; i++) sims.push(await startSimulator({ port: 0, runMs: RUN_MS, onSend }));
  const hooks = await webhookReceiver();
  const prefix = benchPrefix();
  const via = new Map<string, number>();
  const writerOf = new Map<number, string>();
  const ended = new Set<string>();
  let killedAt = 0;
  let adoptedAt = 0;
  const stopListening = await listenToBus(prefix, (message, at) => {
    const gateway = via.get(message.job.promptId);
    if (gateway !== undefined && !killedAt) writerOf.set(gateway, writerOf.get(gateway) ?? message.from);
    if (ENDED.has(message.job.status)) ended.add(message.job.promptId);
    if (killedAt && !adoptedAt && gateway === 0 && message.from === writerOf.get(1)) adoptedAt = at;
  });
  const rows: BenchRow[] = [];
  try {
    const gateways = await startGateways(2, prefix, {
      comfyUrl: sims[0]!.url,
      comfyUrls: sims.map((sim) => sim.url),
      extraYaml: `log: { access: false }\nwebhooks: { secret: "${SECRET}", allow_cidrs: ["127.0.0.0/8"] }`,
    });
    try {
      const submit = async (gateway: number, body: Record<string, unknown>, wait = false): Promise<string> => {
        const response = await fetch(`${gateways[gateway]!.url}/api/v1/workflows/submit${wait ? '?wait=true' : ''}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        const text = await response.text();
        if (!response.ok) throw new Error(`HTTP ${response.status}: ${text.slice(0, 200)}`);
        return (JSON.parse(text) as { data: { prompt_id: string } }).data.prompt_id;
      };
      // Both connected to both servers before the run (a sync job through each).
      for (const gateway of [0, 1]) await submit(gateway, { workflow: tinyWorkflow(9_000_000 + gateway) }, true);
      runs = 0;
      let refused = 0;
      let next = 0;
      const submitting = Promise.all(Array.from({ length: SUBMITTING }, async () => {
        while (next < JOBS) {
          const index = next++;
          const gateway = index % 2;
          try {
            via.set(await submit(gateway, { workflow: tinyWorkflow(index + 1), webhook: hooks.url }), gateway);
          } catch {
            refused++;
          }
        }
      }));
      while (runs < KILL_AFTER) await new Promise((resolve) => setTimeout(resolve, 10));
      process.kill(gateways[0]!.pid, 'SIGKILL');
      killedAt = performance.now();
      const endedBeforeKill = new Set(ended);
      await submitting;
      const accepted = [...via.keys()];
      await settle(() => accepted.every((id) => ended.has(id)), () => ended.size, 30_000);
      // The truth, asked of the survivor for every job.
      const status = new Map<string, { status: string; error: { type: string } | null }>();
      for (let i = 0; i < accepted.length; i += 20) {
        await Promise.all(accepted.slice(i, i + 20).map(async (id) => {
          const answer = await fetch(`${gateways[1]!.url}/api/v1/jobs/${id}`);
          if (answer.ok) status.set(id, ((await answer.json()) as { data: { status: string; error: { type: string } | null } }).data);
        }));
      }
      const endedJobs = accepted.filter((id) => ENDED.has(status.get(id)?.status ?? ''));
      await settle(() => endedJobs.every((id) => hooks.byJob.has(id)), () => hooks.lastAt, 30_000);
      const count = (test: (id: string) => boolean) => accepted.filter(test).length;
      const lost = accepted.length - endedJobs.length;
      const gatewayLost = count((id) => status.get(id)?.error?.type === 'gateway_lost');
      const failedOther = count((id) => status.get(id)?.status === 'failed' && status.get(id)?.error?.type !== 'gateway_lost');
      const twice = count((id) => (starts.get(id) ?? 0) > 1);
      const missing = endedJobs.filter((id) => !hooks.byJob.has(id)).length;
      const messagesPerJob = endedJobs.map((id) => hooks.byJob.get(id)?.size ?? 0);
      const twoMessages = messagesPerJob.filter((n) => n > 1).length;
      const duplicates = [...hooks.byJob.values()].reduce((sum, messages) => sum + [...messages.values()].reduce((s, n) => s + n - 1, 0), 0);
      const ofVictim = accepted.filter((id) => via.get(id) === 0);
      rows.push(
        { case: CASE, metric: `kill: accepted of ${JOBS} (refused: the caller got an error)`, value: accepted.length, unit: `jobs (${refused} refused)` },
        { case: CASE, metric: 'kill: jobs of the killed process', value: ofVictim.length, unit: 'jobs' },
        { case: CASE, metric: 'kill: succeeded', value: count((id) => status.get(id)?.status === 'succeeded'), unit: 'jobs' },
        { case: CASE, metric: 'kill: lost (accepted, never ended)', value: lost, unit: 'jobs', target: '= 0', pass: lost === 0 },
        { case: CASE, metric: 'kill: failed with gateway_lost (in the dead process\'s queue)', value: gatewayLost, unit: 'jobs' },
        { case: CASE, metric: 'kill: failed otherwise', value: failedOther, unit: 'jobs' },
        { case: CASE, metric: 'kill: run twice', value: twice, unit: 'jobs', target: '= 0', pass: twice === 0 },
        { case: CASE, metric: 'kill: ended jobs with no webhook', value: missing, unit: 'jobs', target: '= 0', pass: missing === 0 },
        { case: CASE, metric: 'kill: ended jobs with two webhook messages (distinct webhook-id)', value: twoMessages, unit: 'jobs', target: '= 0', pass: twoMessages === 0 },
        { case: CASE, metric: 'kill: duplicate deliveries (same webhook-id again)', value: duplicates, unit: 'deliveries' },
        {
          case: CASE, metric: 'kill: kill → first adopted job\'s event on the survivor',
          value: adoptedAt ? Math.round(adoptedAt - killedAt) : Number.NaN, unit: 'ms',
        },
      );
      const open = ofVictim.filter((id) => !endedBeforeKill.has(id));
      const adopted = open.filter((id) => status.get(id)?.status === 'succeeded').length;
      rows.push(
        { case: CASE, metric: 'kill: jobs of the killed process still open at the kill', value: open.length, unit: 'jobs' },
        { case: CASE, metric: 'kill: of those, succeeded through the survivor (adopted)', value: adopted, unit: 'jobs' },
      );
      console.error(`  kill: ${round((performance.now() - killedAt) / 1000, 1)} s from the kill to the end of the accounting`);
    } finally {
      await Promise.allSettled(gateways.map((gateway) => gateway.stop()));
    }
  } finally {
    stopListening();
    hooks.server.closeAllConnections();
    await new Promise<void>((resolve) => hooks.server.close(() => resolve()));
    await Promise.allSettled(sims.map((sim) => sim.close()));
    await dropPrefix(prefix);
  }
  return rows;
}
