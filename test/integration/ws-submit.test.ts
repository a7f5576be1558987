// The WebSocket `submit` goes through the same submission as the HTTP routes: a `webhook` is checked and delivered,
// and an `idempotency_key` submits once per key (per API key), over real sockets to the gateway in front of the
// simulator and a webhook receiver on 127.0.0.1.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from 'comfyui-sim';
import type { TestGateway } from '../helpers/gateway.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait.js';
import { emptyImageWorkflow } from '../helpers/workflows.js';
import { openSocket, type Message, type TestSocket } from '../helpers/ws-client.js';

const SECRET = `whsec_${Buffer.from('webhook test key: 32 bytes long!').toString('base64')}`;
const keys = { alice: 'alice-key-0001', bob: 'bob-key-0002' } as const;

interface Delivery {
  path: string;
  headers: IncomingHttpHeaders;
  body: { type: string; data: { prompt_id: string; status: string; client_id: string; outputs: { url: string }[] } };
}

describe('WebSocket submit: webhook and idempotency_key', () => {
  let stack: Stack;
  let sim: Simulator;
  let gw: TestGateway;
  let receiver: Server;
  let hookBase: string;
  const deliveries: Delivery[] = [];
  const open: TestSocket[] = [];

  const connect = async (who: keyof typeof keys, clientId: string) => {
    const url = `${gw.url.replace(/^http/, 'ws')}/api/v1/ws/${clientId}?api_key=${keys[who]}`;
    const socket = await openSocket(url);
    open.push(socket);
    expect((await socket.next()).type).toBe('connected');
    return socket;
  };
  /** Sends a submit and returns its answer (submit_success or submit_error), skipping relayed job events. */
  const submit = async (socket: TestSocket, data: Record<string, unknown>): Promise<Message> => {
    socket.send({ type: 'submit', data });
    const taken = await socket.until((m) => m.type === 'submit_success' || m.type === 'submit_error');
    return taken[taken.length - 1] as Message;
  };
  /** How many prompts the simulator holds (queued, running or finished) whose SaveImage prefix is `prefix`. */
  /** Prompts whose SaveImage prefix is `prefix`, counted in the simulator's history once its queue has drained. */
  const promptsWith = async (prefix: string): Promise<number> => {
    await waitFor('the simulator to finish its queue', async () => {
      const queue = (await fetch(`${sim.url}/queue`).then((r) => r.json())) as { queue_running: unknown[]; queue_pending: unknown[] };
      return queue.queue_running.length === 0 && queue.queue_pending.length === 0 ? true : undefined;
    });
    const history = (await fetch(`${sim.url}/history`).then((r) => r.json())) as Record<string, { prompt: unknown[] }>;
    return Object.values(history).filter((h) => JSON.stringify(h.prompt[2]).includes(`"filename_prefix":"${prefix}"`)).length;
  };

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        deliveries.push({ path: req.url ?? '/', headers: req.headers, body: JSON.parse(body) as Delivery['body'] });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    hookBase = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    stack = await startStack(
      {
        locale: 'en',
        comfyui: { ws_reconnect_min_ms: 10, ws_reconnect_max_ms: 100 },
        auth: { api_keys: [{ key: keys.alice, name: 'alice' }, { key: keys.bob, name: 'bob' }] },
        webhooks: { secret: SECRET, initial_delay_ms: 1, max_delay_ms: 5, allow_hosts: ['127.0.0.1'] },
      },
      { stepMs: 1 },
    );
    ({ sim, gw } = stack);
    await waitFor('the upstream stream', () => (gw.events.connected ? true : undefined));
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((socket) => socket.close()));
  });
  afterAll(async () => {
    await stack?.close();
    receiver?.closeAllConnections();
    await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  });

  it('a webhook given with the submit receives the job\'s end, signed, with links to the gateway the socket reached', async () => {
    const socket = await connect('alice', 'ws-hook');
    const answer = await submit(socket, { workflow: emptyImageWorkflow('ws_hook'), webhook: `${hookBase}/ws` });
    expect(answer).toMatchObject({ type: 'submit_success', data: { client_id: 'ws-hook' } });
    const promptId = answer.data?.prompt_id as string;

    const delivery = await waitFor('the webhook delivery', () => deliveries.find((d) => d.body.data.prompt_id === promptId));
    expect(delivery.path).toBe('/ws');
    expect(delivery.headers['webhook-signature']).toMatch(/^v1,/);
    expect(delivery.body).toMatchObject({ type: 'job.succeeded', data: { status: 'succeeded', client_id: 'ws-hook' } });
    expect(delivery.body.data.outputs[0]?.url.startsWith(`${gw.url}/api/v1/images/download?`)).toBe(true);
    const job = await waitFor('the delivery state on the job', async () => {
      const read = await gw.call('GET', `/api/v1/jobs/${promptId}`, undefined, { 'x-api-key': keys.alice });
      const webhook = (read.json.data as { webhook?: { status: string } }).webhook;
      return webhook?.status === 'delivered' ? webhook : undefined;
    });
    expect(job).toMatchObject({ url: `${hookBase}/ws`, attempts: 1 });
  });

  it('an unusable webhook is a submit_error 400 and nothing is queued', async () => {
    const socket = await connect('alice', 'ws-bad-hook');
    for (const webhook of ['ftp://example.com/x', 'http://10.0.0.1/x', 42, '']) {
      const answer = await submit(socket, { workflow: emptyImageWorkflow('ws_bad_hook'), webhook });
      expect(answer, String(webhook)).toMatchObject({ type: 'submit_error', data: { code: 400, message: expect.stringContaining('webhook') } });
    }
    expect(await promptsWith('ws_bad_hook')).toBe(0);
    // The socket stays usable.
    socket.send({ type: 'ping' });
    expect(await socket.next()).toEqual({ type: 'pong' });
  });

  it('the same idempotency_key twice queues one prompt; the second answer is the first, marked replayed', async () => {
    const socket = await connect('alice', 'ws-idem');
    const data = { workflow: emptyImageWorkflow('ws_idem'), idempotency_key: 'ws-order-1' };
    const first = await submit(socket, data);
    const again = await submit(socket, data);
    expect(first).toMatchObject({ type: 'submit_success', data: { client_id: 'ws-idem' } });
    expect(first.data).not.toHaveProperty('replayed');
    expect(again).toEqual({ type: 'submit_success', data: { ...first.data, replayed: true } });
    expect(await promptsWith('ws_idem')).toBe(1);
  });

  it('duplicates sent at once submit once and all answer the same prompt', async () => {
    const socket = await connect('alice', 'ws-idem-race');
    const data = { workflow: emptyImageWorkflow('ws_idem_race'), idempotency_key: 'ws-race-1' };
    for (let i = 0; i < 3; i++) socket.send({ type: 'submit', data });
    const answers: Message[] = [];
    while (answers.length < 3) answers.push(...(await socket.until((m) => m.type.startsWith('submit_'))).filter((m) => m.type.startsWith('submit_')));
    expect(answers.map((a) => a.type)).toEqual(['submit_success', 'submit_success', 'submit_success']);
    expect(new Set(answers.map((a) => a.data?.prompt_id)).size).toBe(1);
    expect(answers.filter((a) => a.data?.replayed === true)).toHaveLength(2);
    expect(await promptsWith('ws_idem_race')).toBe(1);
  });

  it('the key names one request: another workflow or another client_id under it is refused; a bad key is refused', async () => {
    const socket = await connect('alice', 'ws-idem-reuse');
    const first = await submit(socket, { workflow: emptyImageWorkflow('ws_reuse_a'), idempotency_key: 'ws-reuse' });
    expect(first.type).toBe('submit_success');
    const other = await submit(socket, { workflow: emptyImageWorkflow('ws_reuse_b'), idempotency_key: 'ws-reuse' });
    expect(other).toMatchObject({ type: 'submit_error', data: { code: 400, message: expect.stringMatching(/already used for a different request/) } });
    const elsewhere = await connect('alice', 'ws-idem-reuse-2');
    const moved = await submit(elsewhere, { workflow: emptyImageWorkflow('ws_reuse_a'), idempotency_key: 'ws-reuse' });
    expect(moved).toMatchObject({ type: 'submit_error', data: { code: 400 } });
    for (const key of ['x'.repeat(256), '', 7]) {
      const bad = await submit(socket, { workflow: emptyImageWorkflow('ws_reuse_c'), idempotency_key: key });
      expect(bad, String(key)).toMatchObject({ type: 'submit_error', data: { code: 400, message: expect.stringMatching(/dempotency/) } });
    }
    expect(await promptsWith('ws_reuse_b')).toBe(0);
    expect(await promptsWith('ws_reuse_c')).toBe(0);
  });

  it('keys are per API key: the same idempotency_key under another key submits its own prompt', async () => {
    const data = { workflow: emptyImageWorkflow('ws_idem_keys'), idempotency_key: 'shared-key' };
    const alice = await submit(await connect('alice', 'ws-idem-keys'), data);
    const bob = await submit(await connect('bob', 'ws-idem-keys'), data);
    expect([alice.type, bob.type]).toEqual(['submit_success', 'submit_success']);
    expect(bob.data?.prompt_id).not.toBe(alice.data?.prompt_id);
    expect(bob.data).not.toHaveProperty('replayed');
    expect(await promptsWith('ws_idem_keys')).toBe(2);
  });
});
