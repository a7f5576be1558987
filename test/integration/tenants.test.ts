// Callers isolated from each other: three keys (two callers, one admin) in front of the simulator. Every route that
// names or lists prompts is tried across callers: a caller's view holds only its own prompts, another caller's
// prompt answers exactly like an unknown id (404), and the admin key sees and manages everything. The routes come
// from the gateway's own specs, so a new /api/v1 route fails the last test until it is tried here or exempted.
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeepPartial, Config } from '../../src/config.js';
import type { JobDocument } from '../../src/jobs/job-document.js';
import type { Simulator } from 'comfyui-sim';
import { startTestGateway, type Answer, type TestGateway } from '../helpers/gateway.js';
import { openSse } from '../helpers/sse.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait.js';
import { emptyImageWorkflow, samplerWorkflow, uncachedWorkflow } from '../helpers/workflows.js';
import { openSocket, type Message, type TestSocket } from '../helpers/ws-client.js';

const keys = { alice: 'alice-key-0001', bob: 'bob-key-0002', ops: 'ops-key-0003' } as const;
type Who = keyof typeof keys;
const other = (who: 'alice' | 'bob'): 'alice' | 'bob' => (who === 'alice' ? 'bob' : 'alice');

interface Entry {
  prompt_id: string;
}
interface QueueStatus {
  queue_running: Entry[];
  queue_pending: Entry[];
  running_count: number;
  pending_count: number;
}

/** The three keys: a named caller, a plain key (a caller, named by its digest) and an admin. */
const auth: DeepPartial<Config>['auth'] = {
  api_keys: [{ key: keys.alice, name: 'alice' }, keys.bob, { key: keys.ops, name: 'ops', role: 'admin' }],
};

describe('tenants: two callers and an admin', () => {
  let root: string;
  let overrides: DeepPartial<Config>;
  let stack: Stack;
  let sim: Simulator;
  let gw: TestGateway;
  const sockets = {} as Record<Who, TestSocket>;
  /** "<method> <spec path>" of every route tried across callers below. */
  const covered = new Set<string>();
  const ids = { aliceDone: '', bobDone: '', aliceOverWs: '', bobRun: '', alicePending: '', bobPending: '' };

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'gateway-tenants-'));
    const scenarios = path.join(root, 'scenarios');
    await mkdir(scenarios);
    await writeFile(path.join(scenarios, 'canvas.json'), JSON.stringify(emptyImageWorkflow('canvas')));
    await writeFile(
      path.join(scenarios, 'canvas.yaml'),
      'workflow: canvas.json\nfields:\n  color: { type: integer, default: 0, to: 1.inputs.color }\noutputs: [2]\n',
    );
    overrides = {
      locale: 'en',
      auth,
      // Mirrored jobs link their outputs with prompt_id: the downloads that belong to a prompt.
      jobs: { mirror_outputs: true },
      folders: { scenarios, templates: path.join(root, 'templates') },
    };
    stack = await startStack(overrides, { stepMs: 1 });
    ({ sim, gw } = stack);
    // One client_id, three keys: three different clients.
    const wsBase = `${gw.url.replace(/^http/, 'ws')}/api/v1/ws/shared?api_key=`;
    for (const who of Object.keys(keys) as Who[]) sockets[who] = await openSocket(wsBase + keys[who]);
  });
  afterAll(async () => {
    await Promise.all(Object.values(sockets).map((socket) => socket.close()));
    await stack?.close();
    await rm(root, { recursive: true, force: true });
  });

  const call = (who: Who, method: string, urlPath: string, body?: unknown): Promise<Answer> =>
    gw.call(method, urlPath, body, { 'x-api-key': keys[who] });

  /** The answer to another caller's prompt is the answer to an id nobody knows, word for word. */
  async function expectLikeUnknown(
    who: Who,
    method: string,
    request: (id: string) => { path: string; body?: unknown },
    id: string,
  ): Promise<void> {
    const unknownId = randomUUID();
    const foreign = await call(who, method, request(id).path, request(id).body);
    const unknown = await call(who, method, request(unknownId).path, request(unknownId).body);
    expect(foreign.status, `${who} ${method} ${request(id).path}`).toBe(404);
    expect(JSON.stringify(foreign.json).replaceAll(id, '<id>')).toBe(JSON.stringify(unknown.json).replaceAll(unknownId, '<id>'));
  }

  async function queueOf(who: Who): Promise<QueueStatus> {
    const answer = await call(who, 'GET', '/api/v1/queue/status');
    expect(answer.status).toBe(200);
    return answer.json.data as QueueStatus;
  }
  const idsOf = (entries: Entry[]) => entries.map((entry) => entry.prompt_id).sort();

  async function submit(who: Who, workflow: unknown): Promise<string> {
    const answer = await call(who, 'POST', '/api/v1/workflows/submit', { workflow, client_id: 'shared' });
    expect(answer.status).toBe(200);
    return (answer.json.data as { prompt_id: string }).prompt_id;
  }

  it('records every submission (workflow, scenario, WebSocket) as its caller\'s', async () => {
    const workflow = await call('alice', 'POST', '/api/v1/workflows/submit?wait=true', {
      workflow: emptyImageWorkflow('alice', 101),
      client_id: 'shared',
    });
    expect((workflow.json.data as JobDocument).status).toBe('succeeded');
    ids.aliceDone = (workflow.json.data as JobDocument).prompt_id;
    covered.add('post /api/v1/workflows/submit');

    const scenario = await call('bob', 'POST', '/api/v1/scenarios/canvas?wait=true', { color: 102, client_id: 'shared' });
    expect((scenario.json.data as JobDocument).status).toBe('succeeded');
    ids.bobDone = (scenario.json.data as JobDocument).prompt_id;
    covered.add('post /api/v1/scenarios/{name}');

    sockets.alice.send({ type: 'submit', data: { workflow: emptyImageWorkflow('alice-ws', 103) } });
    const submitted = (await sockets.alice.until((m) => m.type === 'submit_success')).at(-1)!;
    ids.aliceOverWs = String(submitted.data?.prompt_id);
    await sockets.alice.until((m) => m.type === 'execution_success' && m.data?.prompt_id === ids.aliceOverWs);
    await gw.mirror.idle();

    for (const [owner, id] of [['alice', ids.aliceDone], ['bob', ids.bobDone], ['alice', ids.aliceOverWs]] as const) {
      expect((await call(owner, 'GET', `/api/v1/jobs/${id}`)).status).toBe(200);
      await expectLikeUnknown(other(owner), 'GET', (x) => ({ path: `/api/v1/jobs/${x}` }), id);
    }
  });

  it('WebSocket: the same client_id under two keys is two clients; events reach only the owner\'s sockets', async () => {
    const seen = (socket: TestSocket, id: string) => socket.received.some((m: Message) => m.data?.prompt_id === id);
    // Alice's HTTP job (client_id "shared") and her WebSocket job reach her socket, with download links.
    for (const id of [ids.aliceDone, ids.aliceOverWs]) {
      await waitFor(`alice's events of ${id}`, () => sockets.alice.received.some((m) => m.type === 'execution_success' && m.data?.prompt_id === id));
    }
    await waitFor("bob's events of his job", () =>
      sockets.bob.received.some((m) => m.type === 'execution_success' && m.data?.prompt_id === ids.bobDone));
    // A pong is sent after every event above was relayed; a socket's messages arrive in order.
    for (const who of ['bob', 'ops', 'alice'] as const) {
      sockets[who].send({ type: 'ping' });
      await sockets[who].until((m) => m.type === 'pong');
    }
    expect(seen(sockets.bob, ids.aliceDone) || seen(sockets.bob, ids.aliceOverWs)).toBe(false);
    expect(seen(sockets.alice, ids.bobDone)).toBe(false);
    // The admin's socket is the admin's own client: it hears the admin's jobs, not the callers'.
    expect(sockets.ops.received.filter((m) => m.data?.prompt_id !== undefined)).toEqual([]);
    expect(sockets.alice.received.find((m) => m.type === 'connected')?.data?.client_id).toBe('shared');
  });

  it('job, events and history: the owner and the admin see them; the other caller gets the unknown-id 404', async () => {
    for (const [owner, id] of [['alice', ids.aliceDone], ['bob', ids.bobDone]] as const) {
      for (const who of [owner, 'ops'] as const) {
        const job = await call(who, 'GET', `/api/v1/jobs/${id}`);
        expect([who, job.status, (job.json.data as JobDocument).prompt_id]).toEqual([who, 200, id]);
        const stream = await openSse(`${gw.url}/api/v1/jobs/${id}/events`, { 'x-api-key': keys[who] });
        expect(stream.status).toBe(200);
        expect((await stream.finished()).map((event) => event.event)).toEqual(['state', 'end']);
        const history = await call(who, 'GET', `/api/v1/workflows/${id}/history`);
        expect([who, history.status, (history.json.data as { prompt_id: string }).prompt_id]).toEqual([who, 200, id]);
      }
      const stranger = other(owner);
      await expectLikeUnknown(stranger, 'GET', (x) => ({ path: `/api/v1/jobs/${x}` }), id);
      await expectLikeUnknown(stranger, 'GET', (x) => ({ path: `/api/v1/jobs/${x}/events` }), id);
      await expectLikeUnknown(stranger, 'GET', (x) => ({ path: `/api/v1/workflows/${x}/history` }), id);
    }
    covered.add('get /api/v1/jobs/{prompt_id}').add('get /api/v1/jobs/{prompt_id}/events');
    covered.add('get /api/v1/workflows/{prompt_id}/history');
  });

  it('the job list and its stream: a caller lists only its own jobs and hears only their changes; the admin lists all', async () => {
    const listed = async (who: Who, query = '') => {
      const answer = await call(who, 'GET', `/api/v1/jobs${query}`);
      expect(answer.status).toBe(200);
      return (answer.json.data as { jobs: { prompt_id: string }[] }).jobs.map((job) => job.prompt_id);
    };
    const alice = await listed('alice');
    expect(alice).toEqual(expect.arrayContaining([ids.aliceDone, ids.aliceOverWs]));
    expect(alice).not.toContain(ids.bobDone);
    const bob = await listed('bob');
    expect(bob).toContain(ids.bobDone);
    expect(bob).not.toContain(ids.aliceDone);
    expect(bob).not.toContain(ids.aliceOverWs);
    expect(await listed('ops')).toEqual(expect.arrayContaining([ids.aliceDone, ids.aliceOverWs, ids.bobDone]));
    const byCaller = await listed('ops', '?caller=alice');
    expect(byCaller).toEqual(expect.arrayContaining([ids.aliceDone, ids.aliceOverWs]));
    expect(byCaller).not.toContain(ids.bobDone);
    // A caller's own filter cannot widen its view.
    expect(await listed('alice', '?caller=ops')).toEqual([]);
    covered.add('get /api/v1/jobs');

    const stream = await openSse(`${gw.url}/api/v1/jobs/stream`, { 'x-api-key': keys.alice });
    try {
      const first = await stream.until((event) => event.event === 'jobs');
      const initial = (first.data as unknown as { prompt_id: string }[]).map((job) => job.prompt_id);
      expect(initial).toEqual(expect.arrayContaining([ids.aliceDone, ids.aliceOverWs]));
      expect(initial).not.toContain(ids.bobDone);
      // Bob's job runs first, then Alice's: once Alice has heard her own job end, Bob's would have come before it.
      const bobLater = await call('bob', 'POST', '/api/v1/workflows/submit?wait=true', { workflow: emptyImageWorkflow('bob-later', 104) });
      const aliceLater = await call('alice', 'POST', '/api/v1/workflows/submit?wait=true', { workflow: emptyImageWorkflow('alice-later', 105) });
      const bobId = (bobLater.json.data as JobDocument).prompt_id;
      const aliceId = (aliceLater.json.data as JobDocument).prompt_id;
      await stream.until((event) => event.event === 'job' && event.data.prompt_id === aliceId && event.data.status === 'succeeded');
      expect(stream.events.filter((event) => event.event === 'job' && event.data.prompt_id === bobId)).toEqual([]);
    } finally {
      stream.close();
    }
    covered.add('get /api/v1/jobs/stream');
  });

  it('downloads by prompt_id (the mirrored copy in output/<prompt_id>/) are the owner\'s and the admin\'s only', async () => {
    for (const [owner, id] of [['alice', ids.aliceDone], ['bob', ids.bobDone]] as const) {
      const doc = (await call(owner, 'GET', `/api/v1/jobs/${id}`)).json.data as JobDocument;
      const link = new URL(doc.outputs[0]!.url);
      expect(link.searchParams.get('prompt_id')).toBe(id);
      const download = link.pathname + link.search;
      for (const who of [owner, 'ops'] as const) {
        const response = await fetch(gw.url + download, { headers: { 'x-api-key': keys[who] } });
        expect([who, response.status, response.headers.get('content-type')]).toEqual([who, 200, 'image/png']);
        await response.arrayBuffer();
      }
      await expectLikeUnknown(other(owner), 'GET', (x) => ({ path: download.replace(id, x) }), id);
    }
    covered.add('get /api/v1/images/download');
  });

  it('queue status: each caller lists and counts only its own prompts; the admin lists all', async () => {
    // Bob's long sampler holds the one slot, so the next prompts stay pending.
    sim.faults.stepMs = 100;
    ids.bobRun = await submit('bob', samplerWorkflow(10_000, 7));
    await waitFor("bob's prompt running", async () => (await queueOf('ops')).queue_running[0]?.prompt_id === ids.bobRun);
    ids.alicePending = await submit('alice', uncachedWorkflow('alice'));
    ids.bobPending = await submit('bob', uncachedWorkflow('bob'));

    const alice = await queueOf('alice');
    expect([idsOf(alice.queue_running), idsOf(alice.queue_pending), alice.running_count, alice.pending_count]).toEqual([
      [], [ids.alicePending], 0, 1,
    ]);
    const bob = await queueOf('bob');
    expect([idsOf(bob.queue_running), idsOf(bob.queue_pending), bob.running_count, bob.pending_count]).toEqual([
      [ids.bobRun], [ids.bobPending], 1, 1,
    ]);
    const ops = await queueOf('ops');
    expect([idsOf(ops.queue_running), idsOf(ops.queue_pending), ops.pending_count]).toEqual([
      [ids.bobRun], [ids.alicePending, ids.bobPending].sort(), 2,
    ]);
    covered.add('get /api/v1/queue/status');

    // A running or pending prompt of another caller is as unknown as a finished one (no "still running").
    for (const id of [ids.bobRun, ids.bobPending]) {
      await expectLikeUnknown('alice', 'GET', (x) => ({ path: `/api/v1/jobs/${x}` }), id);
      await expectLikeUnknown('alice', 'GET', (x) => ({ path: `/api/v1/workflows/${x}/history` }), id);
    }
  });

  it('interrupt and queue clear touch only the caller\'s own prompts; the admin\'s touch everyone\'s', async () => {
    await expectLikeUnknown('alice', 'POST', (x) => ({ path: '/api/v1/workflows/interrupt', body: { prompt_id: x } }), ids.bobRun);
    await expectLikeUnknown('alice', 'POST', (x) => ({ path: '/api/v1/workflows/interrupt', body: { prompt_id: x } }), ids.bobPending);
    covered.add('post /api/v1/workflows/interrupt');

    const removal = await call('alice', 'POST', '/api/v1/queue/clear', { delete: [ids.bobPending] });
    expect(removal.json.data).toEqual({ cleared: false, deleted: [], not_found: [ids.bobPending] });
    const cleared = await call('alice', 'POST', '/api/v1/queue/clear', { clear: true });
    expect([cleared.status, cleared.json.data]).toEqual([200, { cleared: true, deleted: [], not_found: [] }]);
    covered.add('post /api/v1/queue/clear');
    // Bob's prompts are where they were; only Alice's own pending prompt is gone.
    const after = await queueOf('ops');
    expect([idsOf(after.queue_running), idsOf(after.queue_pending)]).toEqual([[ids.bobRun], [ids.bobPending]]);

    // The owner stops its own; the admin clears and interrupts anyone's.
    const own = await call('bob', 'POST', '/api/v1/workflows/interrupt', { prompt_id: ids.bobPending });
    expect(own.json.data).toEqual({ prompt_id: ids.bobPending, action: 'removed' });
    const pending = [await submit('alice', uncachedWorkflow('alice')), await submit('bob', uncachedWorkflow('bob'))];
    expect(idsOf((await queueOf('ops')).queue_pending)).toEqual(pending.sort());
    expect((await call('ops', 'POST', '/api/v1/queue/clear', { clear: true })).status).toBe(200);
    expect((await queueOf('ops')).pending_count).toBe(0);
    const stopped = await call('ops', 'POST', '/api/v1/workflows/interrupt', { prompt_id: ids.bobRun });
    expect(stopped.json.data).toEqual({ prompt_id: ids.bobRun, action: 'interrupted' });
    await waitFor('the interrupted job', async () =>
      ((await call('bob', 'GET', `/api/v1/jobs/${ids.bobRun}`)).json.data as JobDocument).status === 'interrupted');
    await sim.faults.reset();
  });

  it('keeps each job\'s owner across a gateway restart (rebuilt from ComfyUI\'s history)', async () => {
    const restarted = await startTestGateway({ ...overrides, comfyui: { url: sim.url } });
    try {
      const at = (who: Who, urlPath: string) => restarted.call('GET', urlPath, undefined, { 'x-api-key': keys[who] });
      for (const [owner, id] of [['alice', ids.aliceDone], ['bob', ids.bobDone], ['bob', ids.bobRun]] as const) {
        expect(restarted.tracker.get(id)).toBeUndefined();
        const stranger = await at(other(owner), `/api/v1/jobs/${id}`);
        const unknownId = randomUUID();
        const unknown = await at(other(owner), `/api/v1/jobs/${unknownId}`);
        expect(stranger.status).toBe(404);
        expect(stranger.json.message.replace(id, '<id>')).toBe(unknown.json.message.replace(unknownId, '<id>'));
        expect((await at(owner, `/api/v1/jobs/${id}`)).status).toBe(200);
        expect(restarted.tracker.get(id)?.owner).toBeDefined();
        expect((await at('ops', `/api/v1/jobs/${id}`)).status).toBe(200);
      }
    } finally {
      await restarted.close();
    }
  });

  it('retries deliveries of its own jobs only: another caller\'s job answers like an unknown one', async () => {
    for (const [owner, id] of [['alice', ids.aliceDone], ['bob', ids.bobDone]] as const) {
      const own = await call(owner, 'POST', `/api/v1/jobs/${id}/deliveries/retry`);
      expect(own.status).toBe(200);
      expect(own.json.data).toEqual({ prompt_id: id, retried: 0 });
      expect((await call('ops', 'POST', `/api/v1/jobs/${id}/deliveries/retry`)).status).toBe(200);
      await expectLikeUnknown(other(owner), 'POST', (x) => ({ path: `/api/v1/jobs/${x}/deliveries/retry` }), id);
    }
    covered.add('post /api/v1/jobs/{prompt_id}/deliveries/retry');
  });

  it('has tried every prompt-scoped route across callers (a new /api/v1 route must be added here or exempted)', () => {
    const exempt: Record<string, string> = {
      'post /api/v1/images/upload': 'names no prompt: the file goes to the shared input folder',
      'get /api/v1/images/url': 'builds a link without reading a file or naming a prompt',
      'get /api/v1/scenarios': 'the scenario catalogue, the same for every key',
      'get /api/v1/scenarios/{name}': 'one scenario of the catalogue',
      'get /api/v1/openapi.json': 'the API document',
      'get /api/v1/whoami': 'the key\'s own name and rights',
      'get /api/v1/backends': 'the pool, admin keys only; names no prompt',
      'get /api/v1/backends/stream': 'the pool as a stream, admin keys only; names no prompt',
      'post /api/v1/backends/{name}/drain': 'a backend of the pool, admin keys only; names no prompt',
      'post /api/v1/backends/{name}/resume': 'a backend of the pool, admin keys only; names no prompt',
    };
    const routes = gw.specs.filter((spec) => spec.path.startsWith('/api/v1/')).map((spec) => `${spec.method} ${spec.path}`);
    expect(routes.filter((route) => !covered.has(route) && !(route in exempt))).toEqual([]);
    for (const spec of gw.specs.filter((s) => `${s.method} ${s.path}` in exempt)) {
      expect(JSON.stringify([spec.params, spec.query, spec.body, spec.response])).not.toContain('prompt_id');
    }
    // Nothing listed here that the gateway no longer has.
    expect([...covered, ...Object.keys(exempt)].filter((route) => !routes.includes(route))).toEqual([]);
  });
});

describe('tenants: the start-up log says whether the gateway is single-tenant', () => {
  async function startupLines(overrides: DeepPartial<Config>): Promise<string[]> {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const gateway = await startTestGateway({ comfyui: { url: 'http://127.0.0.1:9' }, ...overrides }, { log: pino({ level: 'info' }, sink) });
    await gateway.close();
    return lines.filter((line) => /single-tenant/.test(line));
  }

  it('one line without keys, none with keys', async () => {
    expect(await startupLines({})).toHaveLength(1);
    expect(await startupLines({ auth })).toEqual([]);
  });
});
