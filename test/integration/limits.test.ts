// Limits against one caller exhausting the gateway: WebSocket caps (in all and per key), a failed-auth limit per
// client address, header timeouts against slowloris, and SSE streams on one job that scale past Node's listener
// warning. Each against the real gateway over real sockets.
import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openSse, type SseStream } from '../helpers/sse.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { samplerWorkflow } from '../helpers/workflows.js';
import { openSocket, refusedStatus, type TestSocket } from '../helpers/ws-client.js';

const ALICE = 'alice-key-0123456789';
const BOB = 'bob-key-0123456789';

describe('WebSocket caps', () => {
  let stack: Stack;
  const open: TestSocket[] = [];
  beforeAll(async () => {
    stack = await startStack({
      locale: 'en',
      auth: { api_keys: [{ key: ALICE, name: 'alice' }, { key: BOB, name: 'bob' }] },
      websocket: { max_sockets: 3, max_sockets_per_key: 2 },
    });
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((socket) => socket.close()));
    // A closed socket leaves the hub on its 'close' event: wait for that, so the next test starts from zero.
    while (stack.gw.sockets.size > 0) await new Promise((resolve) => setImmediate(resolve));
  });
  afterAll(async () => stack?.close());

  const wsUrl = (clientId: string, key: string) => `${stack.gw.url.replace('http', 'ws')}/api/v1/ws/${clientId}?api_key=${key}`;

  it('one key cannot open more than max_sockets_per_key sockets, whatever client ids it uses', async () => {
    open.push(await openSocket(wsUrl('a1', ALICE)), await openSocket(wsUrl('a2', ALICE)));
    const refused = await refusedStatus(wsUrl('a3', ALICE));
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toMatchObject({ code: 403, data: null });
    expect(refused.body).toMatch(/this API key \(or client address\) already has 2 open WebSockets/);
    // Another key still gets in.
    open.push(await openSocket(wsUrl('b1', BOB)));
  });

  it('no more than max_sockets in all', async () => {
    open.push(await openSocket(wsUrl('a1', ALICE)), await openSocket(wsUrl('a2', ALICE)), await openSocket(wsUrl('b1', BOB)));
    const refused = await refusedStatus(wsUrl('b2', BOB));
    expect(refused.status).toBe(403);
    expect(refused.body).toMatch(/the gateway already has 3 open WebSockets/);
    // A place freed is a place to take again.
    await open.pop()?.close();
    while (stack.gw.sockets.size > 2) await new Promise((resolve) => setImmediate(resolve));
    open.push(await openSocket(wsUrl('b2', BOB)));
  });
});

describe('failed API keys per client address', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      locale: 'en',
      auth: { api_keys: [{ key: ALICE, name: 'alice' }] },
      limits: { failed_auth_attempts: 3, failed_auth_window_s: 3600 },
    });
  });
  afterAll(async () => stack?.close());

  it('answers 429 with Retry-After after the allowed wrong keys, the right key included, and on the WebSocket', async () => {
    for (let i = 0; i < 3; i += 1) {
      const wrong = await stack.gw.call('GET', '/api/v1/queue/status', undefined, { 'x-api-key': `guess-${i}` });
      expect(wrong.status).toBe(401);
    }
    const limited = await stack.gw.call('GET', '/api/v1/queue/status', undefined, { 'x-api-key': 'guess-4' });
    expect(limited.status).toBe(429);
    expect(limited.json).toMatchObject({ code: 429, data: null });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(3000);
    // A correct guess now would tell the guesser it was right: it is refused the same way.
    const right = await stack.gw.call('GET', '/api/v1/queue/status', undefined, { 'x-api-key': ALICE });
    expect(right.status).toBe(429);
    const upgrade = await refusedStatus(`${stack.gw.url.replace('http', 'ws')}/api/v1/ws/c1?api_key=guess-5`);
    expect(upgrade.status).toBe(429);
  });
});

describe('slow clients', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ locale: 'en', server: { headers_timeout_ms: 300, request_timeout_ms: 600 } });
  });
  afterAll(async () => stack?.close());

  /** Opens a connection, sends `text`, never more; resolves with what came back once the server closed it. */
  function trickle(text: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(stack.gw.port, '127.0.0.1');
      let received = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (received += chunk));
      socket.on('error', reject);
      socket.on('close', () => resolve(received));
      socket.write(text);
    });
  }

  it('cuts a connection that never finishes its headers (slowloris)', async () => {
    const answer = await trickle('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('cuts a request whose body never arrives', async () => {
    const answer = await trickle(
      'POST /api/v1/workflows/submit HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"wor',
    );
    // Either Node's 408 or the gateway's own answer to the cut body; never a connection held open.
    expect(answer === '' || /^HTTP\/1\.1 (408|400) /.test(answer)).toBe(true);
  });
});

describe('many SSE streams on one job', () => {
  let stack: Stack;
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  beforeAll(async () => {
    stack = await startStack({ locale: 'en' }, { stepMs: 50 });
    process.on('warning', onWarning);
  });
  afterAll(async () => {
    process.off('warning', onWarning);
    await stack?.close();
  });

  it('follows one job with 25 streams without a MaxListenersExceededWarning', async () => {
    const submitted = await stack.gw.call('POST', '/api/v1/workflows/submit', { workflow: samplerWorkflow(1000, 7) });
    const promptId = (submitted.json.data as { prompt_id: string }).prompt_id;
    const streams: SseStream[] = [];
    try {
      for (let i = 0; i < 25; i += 1) streams.push(await openSse(`${stack.gw.url}/api/v1/jobs/${promptId}/events`));
      await Promise.all(streams.map((stream) => stream.until((event) => event.event === 'state')));
      await Promise.all(streams.map((stream) => stream.until((event) => event.event === 'progress')));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      streams.forEach((stream) => stream.close());
      await fetch(`${stack.sim.url}/interrupt`, { method: 'POST' });
    }
  });
});
