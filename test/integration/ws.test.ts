// The gateway WebSocket over real sockets: the real gateway in front of the ComfyUI simulator.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait.js';
import { emptyImageWorkflow } from '../helpers/workflows.js';
import { openSocket, refusedStatus, type Message, type TestSocket } from '../helpers/ws-client.js';

const isEnd = (promptId: string) => (m: Message) =>
  (m.type === 'execution_success' || m.type === 'execution_error') && m.data?.prompt_id === promptId;

describe('gateway WebSocket /api/v1/ws/{client_id}', () => {
  let stack: Stack;
  let gw: TestGateway;
  let wsBase: string;
  const open: TestSocket[] = [];
  const connect = async (clientId: string) => {
    const socket = await openSocket(`${wsBase}/api/v1/ws/${clientId}`);
    open.push(socket);
    return socket;
  };

  beforeAll(async () => {
    stack = await startStack({
      comfyui: { ws_reconnect_min_ms: 10, ws_reconnect_max_ms: 100 },
      websocket: { max_message_bytes: 64 * 1024, max_sockets_per_client: 3 },
    });
    gw = stack.gw;
    wsBase = gw.url.replace(/^http/, 'ws');
    await waitFor('the upstream stream', () => gw.events.connected, 5_000);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((socket) => socket.close()));
  });
  afterAll(async () => stack?.close());

  it('greets with the seed\'s connected message, answers ping with pong', async () => {
    const socket = await connect('my_client');
    expect(await socket.next()).toEqual({
      type: 'connected',
      data: { message: 'WebSocket 连接已建立', client_id: 'my_client' },
    });
    socket.send({ type: 'ping' });
    expect(await socket.next()).toEqual({ type: 'pong' });
  });

  it('answers malformed JSON and an unknown type with error, and keeps the connection', async () => {
    const socket = await connect('c-errors');
    await socket.next();
    socket.send('{"type": "ping"');
    expect(await socket.next()).toMatchObject({ type: 'error', data: { message: expect.stringContaining('JSON') } });
    socket.send({ type: 'subscribe', data: {} });
    expect(await socket.next()).toMatchObject({ type: 'error', data: { message: expect.stringContaining('subscribe') } });
    socket.send('[1,2]');
    expect((await socket.next()).type).toBe('error');
    socket.send({ type: 'ping' });
    expect(await socket.next()).toEqual({ type: 'pong' });
  });

  it('refuses other paths with 404 and a bad client_id with 400, as envelopes', async () => {
    const other = await refusedStatus(`${wsBase}/api/v1/websocket/x`);
    expect(other.status).toBe(404);
    expect(JSON.parse(other.body)).toMatchObject({ code: 404, data: null });
    const nested = await refusedStatus(`${wsBase}/api/v1/ws/a/b`);
    expect(nested.status).toBe(400);
    const bad = await refusedStatus(`${wsBase}/api/v1/ws/a%20b`);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ code: 400, data: null, message: expect.stringContaining('client_id') });
    const long = await refusedStatus(`${wsBase}/api/v1/ws/${'x'.repeat(129)}`);
    expect(long.status).toBe(400);
  });

  it('refuses more sockets per client_id than configured', async () => {
    for (let i = 0; i < 3; i++) await connect('c-limit');
    const refused = await refusedStatus(`${wsBase}/api/v1/ws/c-limit`);
    expect(refused.status).toBe(403);
  });

  it('closes with 1009 when a message exceeds the configured size', async () => {
    const socket = await connect('c-big');
    await socket.next();
    socket.send({ type: 'ping', data: { padding: 'x'.repeat(70 * 1024) } });
    expect((await socket.closed()).code).toBe(1009);
  });

  it('submit → submit_success, then that prompt\'s progress in order, ending with execution_success', async () => {
    const socket = await connect('c-submit');
    await socket.next();
    socket.send({ type: 'submit', data: { workflow: emptyImageWorkflow('ws_submit') } });
    const success = await socket.next();
    expect(success).toMatchObject({ type: 'submit_success', data: { client_id: 'c-submit' } });
    const promptId = success.data?.prompt_id as string;
    expect(promptId).toMatch(/^[0-9a-f-]{36}$/);

    const events = await socket.until(isEnd(promptId));
    expect(events.every((m) => m.data?.prompt_id === promptId)).toBe(true);
    expect(events.map((m) => (m.type === 'executing' ? `executing:${String(m.data?.node)}` : m.type))).toEqual([
      'execution_start',
      'execution_cached',
      'executing:1',
      'executing:2',
      'executed',
      'execution_success',
    ]);
    const executed = events.find((m) => m.type === 'executed');
    const image = (executed?.data?.output as { images: Record<string, string>[] }).images[0];
    expect(image).toMatchObject({ filename: expect.stringMatching(/^ws_submit_\d{5}_\.png$/), subfolder: '', type: 'output' });
    expect(image?.url).toBe(
      `${gw.url}/api/v1/images/download?filename=${image?.filename}&subfolder=&img_type=output`,
    );
    expect(gw.tracker.get(promptId)?.status).toBe('succeeded');
    // ComfyUI's closing executing{node:null} follows and is relayed too.
    expect(await socket.next()).toMatchObject({ type: 'executing', data: { node: null, prompt_id: promptId } });
  });

  it('submit_error carries the catalogued code and message: 400 for a bad workflow, 1002 when ComfyUI rejects it', async () => {
    const socket = await connect('c-submit-error');
    await socket.next();
    socket.send({ type: 'submit', data: {} });
    expect(await socket.next()).toMatchObject({ type: 'submit_error', data: { code: 400 } });
    socket.send({ type: 'submit', data: { workflow: { nodes: [], links: [] } } });
    expect(await socket.next()).toMatchObject({ type: 'submit_error', data: { code: 400 } });
    socket.send({ type: 'submit', data: { workflow: { '1': { class_type: 'NoSuchNode', inputs: {} } } } });
    const rejected = await socket.next();
    expect(rejected).toMatchObject({
      type: 'submit_error',
      data: { code: 1002, message: expect.stringContaining('工作流验证失败'), details: expect.any(Object) as unknown },
    });
    socket.send({ type: 'ping' });
    expect(await socket.next()).toEqual({ type: 'pong' });
  });

  it('a prompt submitted over HTTP with client_id X reaches every socket of X and none of Y', async () => {
    const [x1, x2, y] = [await connect('client-X'), await connect('client-X'), await connect('client-Y')];
    await Promise.all([x1.next(), x2.next(), y.next()]);
    const answer = await gw.call('POST', '/api/v1/workflows/submit', {
      workflow: emptyImageWorkflow('ws_http'),
      client_id: 'client-X',
    });
    expect(answer.json.code).toBe(200);
    const promptId = (answer.json.data as { prompt_id: string }).prompt_id;
    const [first, second] = await Promise.all([x1.until(isEnd(promptId)), x2.until(isEnd(promptId))]);
    expect(first.at(-1)?.type).toBe('execution_success');
    expect(second.map((m) => m.type)).toEqual(first.map((m) => m.type));
    // Y heard nothing: the next thing it receives is the answer to its own ping.
    y.send({ type: 'ping' });
    expect(await y.next()).toEqual({ type: 'pong' });
    expect(y.received.map((m) => m.type)).toEqual(['connected', 'pong']);
  });

  it('forgets a socket once it closes', async () => {
    const socket = await connect('c-leave');
    await socket.next();
    expect(gw.hub.count('c-leave')).toBe(1);
    await socket.close();
    await waitFor('the socket to be forgotten', () => gw.hub.count('c-leave') === 0, 5_000);
  });
});
