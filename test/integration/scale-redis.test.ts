// Two real gateway processes on one real Redis (a redis-server of this test's own, on a free port, so it can be
// stopped and started again): what one process remembers, the other honours, and a Redis outage answers 503 then
// heals by itself.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, type Simulator } from 'comfyui-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../src/security/canonical.js';
import { spawnGateway, type GatewayProcess } from '../helpers/gateway-process.js';
import { call, startTwoGateways } from '../helpers/two-gateways.js';
import { ownRedis, type OwnRedis } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait.js';
import { openSocket, refusedStatus } from '../helpers/ws-client.js';
import { emptyImageWorkflow } from '../helpers/workflows.js';

const ALICE = { 'x-api-key': 'alice-key-0123456789' };
const RATED = { 'x-api-key': 'rated-key-0123456789' };
const BURST = 20;
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const SECRET = `whsec_${Buffer.from('a 32 byte secret for the tests!!').toString('base64')}`;

function hasRedisServer(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    // CI promises Redis (.ci/run installs it): there, its absence is a failure, not a skip.
    if (process.env.TEST_REDIS_URL) throw new Error('TEST_REDIS_URL is set but redis-server is not installed');
    return false;
  }
}

const enabled = hasRedisServer();
if (!enabled) console.warn('redis-server is not installed: the two-process Redis tests are skipped');

describe.runIf(enabled)('two gateway processes on one Redis', { timeout: 60_000 }, () => {
  let sim: Simulator;
  let redis: OwnRedis;
  let dir: string;
  let a: GatewayProcess;
  let b: GatewayProcess;
  let prefix: string;
  let receiver: Server;
  let hookUrl: string;
  /** What the receiver answers now, and every attempt it saw (webhook-id, the status it answered). */
  let receiverStatus = 503;
  const received: { id: string; status: number }[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, host: '127.0.0.1' });
    redis = await ownRedis();
    await redis.start();
    dir = await mkdtemp(path.join(os.tmpdir(), 'scale-redis-'));
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received.push({ id: String(req.headers['webhook-id']), status: receiverStatus });
        res.writeHead(receiverStatus).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const pem = path.join(dir, 'trusted.pem');
    await writeFile(pem, keys.publicKey.export({ type: 'spki', format: 'pem' }));
    const config = {
      comfyui: { url: sim.url },
      auth: {
        api_keys: [
          { key: ALICE['x-api-key'], name: 'alice' },
          { key: RATED['x-api-key'], name: 'rated' },
          { key: 'socket-key-0123456789', name: 'socket' },
        ],
        signature: { groups: ['queue'], public_keys: [pem] },
      },
      webhooks: { secret: SECRET, initial_delay_ms: 100, max_delay_ms: 300, max_attempts: 100, timeout_ms: 1_000, allow_hosts: ['127.0.0.1'] },
      // Nearly no refill: a bucket holds BURST requests for the whole test.
      limits: { requests_per_second: 0.001, burst: BURST },
    };
    // The keys die with this test's own Redis: the processes are stopped, the keys not dropped.
    ({ a, b, prefix } = await startTwoGateways(config, redis.url));
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
    await sim?.close();
    receiver?.closeAllConnections();
    await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Prompts ComfyUI knows whose SaveImage prefix is `prefix`: queued, running or done. */
  async function promptsIn(prefix: string): Promise<number> {
    const [history, queue] = await Promise.all([
      fetch(`${sim.url}/history`).then((r) => r.json() as Promise<Record<string, { prompt: unknown[] }>>),
      fetch(`${sim.url}/queue`).then((r) => r.json() as Promise<{ queue_running: unknown[][]; queue_pending: unknown[][] }>),
    ]);
    const prompts = [
      ...Object.values(history).map((entry) => entry.prompt[2]),
      ...queue.queue_running.map((item) => item[2]),
      ...queue.queue_pending.map((item) => item[2]),
    ];
    return prompts.filter((p) => JSON.stringify(p).includes(`"filename_prefix":"${prefix}"`)).length;
  }

  it('an Idempotency-Key used on A is replayed on B, and ComfyUI gets one prompt', async () => {
    const body = { workflow: emptyImageWorkflow('scale-idem', 3) };
    const headers = { ...ALICE, 'Idempotency-Key': 'order-across' };
    const first = await call(a, 'POST', '/api/v1/workflows/submit', body, headers);
    expect(first.status).toBe(200);
    const second = await call(b, 'POST', '/api/v1/workflows/submit', body, headers);
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.json).toEqual(first.json);
    expect(await promptsIn('scale-idem')).toBe(1);
    // Another request under the key is refused on either process.
    const other = await call(b, 'POST', '/api/v1/workflows/submit', { workflow: emptyImageWorkflow('scale-idem', 4) }, headers);
    expect(other.status).toBe(400);
  });

  it('duplicates racing through A and B at once submit one prompt', async () => {
    const body = { workflow: emptyImageWorkflow('scale-race', 5) };
    const headers = { ...ALICE, 'Idempotency-Key': 'order-race' };
    const answers = await Promise.all([a, b].map((gw) => call(gw, 'POST', '/api/v1/workflows/submit', body, headers)));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(answers[1]!.json.data).toEqual(answers[0]!.json.data);
    expect(await promptsIn('scale-race')).toBe(1);
  });

  it('a signature nonce used on A is refused on B', async () => {
    const signature = signRequest(keys.privateKey, { method: 'GET', path: '/api/v1/queue/status', query: '', body: '' });
    const first = await call(a, 'GET', '/api/v1/queue/status', undefined, { ...ALICE, ...signature });
    expect(first.status).toBe(200);
    const replay = await call(b, 'GET', '/api/v1/queue/status', undefined, { ...ALICE, ...signature });
    expect(replay.status).toBe(401);
    expect(replay.json.message).toMatch(/nonce/i);
  });

  it('a rate limit holds across A and B together', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < BURST + 2; i++) statuses.push((await call(i % 2 ? a : b, 'GET', '/api/v1/scenarios', undefined, RATED)).status);
    expect(statuses).toEqual([...Array(BURST).fill(200), 429, 429]);
  });

  it('WebSocket upgrades take from the same shared rate bucket', async () => {
    const keyed = { 'x-api-key': 'socket-key-0123456789' };
    // One client id per socket: the per-client socket cap stays out of the way.
    const ws = (gw: GatewayProcess, i: number) => `${gw.url.replace('http', 'ws')}/api/v1/ws/scale-client-${i}`;
    const sockets = [];
    for (let i = 0; i < BURST; i++) sockets.push(await openSocket(ws(i % 2 ? a : b, i), keyed));
    try {
      const refused = await refusedStatus(ws(a, BURST), keyed);
      expect(refused.status).toBe(429);
    } finally {
      await Promise.all(sockets.map((socket) => socket.close()));
    }
  });

  it('with Redis stopped both answer a 503 envelope (logged once per outage), and recover when it returns', async () => {
    // Counted from here: a loaded machine may have had a slow command (an outage too) before.
    const seen = [a.lines.length, b.lines.length];
    const since = (gw: GatewayProcess, text: string) => gw.lines.slice(seen[gw === a ? 0 : 1]).filter((line) => line.includes(text));
    await redis.stop();
    const body = { workflow: emptyImageWorkflow('scale-outage', 6) };
    for (let i = 0; i < 3; i++) {
      for (const gw of [a, b]) {
        const refused = await call(gw, 'POST', '/api/v1/workflows/submit', body, { ...ALICE, 'Idempotency-Key': `outage-${i}` });
        expect(refused.status).toBe(503);
        expect(refused.json).toEqual({
          code: 503,
          message: 'The shared state store (Redis) is unavailable; retry shortly',
          data: null,
        });
        expect(refused.headers.get('retry-after')).toBe('1');
      }
    }
    const upgrade = await refusedStatus(`${b.url.replace('http', 'ws')}/api/v1/ws/outage-client`, ALICE);
    expect(upgrade.status).toBe(503);
    expect(JSON.parse(upgrade.body)).toMatchObject({ code: 503 });
    // What needs no shared state still answers: the processes are alive.
    expect((await call(a, 'GET', '/health')).status).toBe(200);
    expect(await promptsIn('scale-outage')).toBe(0);
    await redis.start();
    for (const gw of [a, b]) expect(since(gw, 'redis is unavailable')).toHaveLength(1);

    for (const gw of [a, b]) {
      const back = await waitFor('the gateway to use Redis again', async () => {
        const answer = await call(gw, 'POST', '/api/v1/workflows/submit', body, { ...ALICE, 'Idempotency-Key': 'after-outage' });
        return answer.status === 503 ? undefined : answer;
      });
      expect(back.status).toBe(200);
      // The log line comes over the process's stdout, which may be read after its HTTP answer.
      await waitFor('the gateway to log that Redis is back', () => since(gw, 'redis is back').length > 0);
      expect(since(gw, 'redis is back')).toHaveLength(1);
    }
    expect(await promptsIn('scale-outage')).toBe(1);
  });

  it('a Redis that holds the connection and answers nothing gives a 503 after the command timeout, not a hang', async () => {
    redis.pause();
    try {
      const refused = await call(b, 'POST', '/api/v1/workflows/submit', { workflow: emptyImageWorkflow('scale-hung', 8) }, {
        ...ALICE,
        'Idempotency-Key': 'hung',
      });
      expect(refused.status).toBe(503);
      expect(refused.json.code).toBe(503);
    } finally {
      redis.resume();
    }
    await waitFor('B to use Redis again', async () => ((await call(b, 'GET', '/api/v1/scenarios', undefined, ALICE)).status === 200) || undefined);
    expect(await promptsIn('scale-hung')).toBe(0);
  });

  // Last: it stops A.
  it('a webhook still retrying when A stops is delivered by B, once', async () => {
    const submitted = await call(a, 'POST', '/api/v1/workflows/submit', { workflow: emptyImageWorkflow('scale-hook', 7), webhook: hookUrl }, ALICE);
    expect(submitted.status).toBe(200);
    const first = await waitFor('a first (refused) attempt from A', () => received[0]);
    await a.stop();
    receiverStatus = 204;
    await waitFor('the delivery from B', () => received.some((attempt) => attempt.status === 204) || undefined);
    const delivered = received.filter((attempt) => attempt.status === 204);
    expect(delivered).toEqual([{ id: first.id, status: 204 }]);
    expect(received.every((attempt) => attempt.id === first.id)).toBe(true);
    // Nothing is left to send: the outbox is empty, so no process can deliver it again.
    const client = new Redis(redis.url);
    try {
      expect(await client.zcard(`${prefix}outbox:due`)).toBe(0);
      expect(await client.hlen(`${prefix}outbox:items`)).toBe(0);
    } finally {
      client.disconnect();
    }
  });
});

describe.runIf(enabled)('a gateway whose Redis is not there yet at start', { timeout: 60_000 }, () => {
  let sim: Simulator;
  let redis: OwnRedis;
  let gw: GatewayProcess;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, host: '127.0.0.1' });
    redis = await ownRedis();
    gw = await spawnGateway({
      comfyui: { url: sim.url },
      store: { kind: 'redis', url: redis.url, key_prefix: 'late-test:', command_timeout_ms: 2_000 },
      locale: 'en',
      auth: { api_keys: [{ key: ALICE['x-api-key'], name: 'alice' }] },
      limits: { requests_per_second: 100, burst: 100 },
    });
  }, 60_000);
  afterAll(async () => {
    await gw?.stop();
    await redis?.stop();
    await sim?.close();
  });

  it('starts anyway, answers 503 where it needs Redis, and serves once Redis comes up', async () => {
    const refused = await call(gw, 'GET', '/api/v1/scenarios', undefined, ALICE);
    expect(refused.status).toBe(503);
    expect(refused.json.message).toBe('The shared state store (Redis) is unavailable; retry shortly');
    expect((await call(gw, 'GET', '/health')).status).toBe(200);
    await redis.start();
    await waitFor('the gateway to reach Redis', async () => ((await call(gw, 'GET', '/api/v1/scenarios', undefined, ALICE)).status === 200) || undefined);
    expect(gw.lines.filter((line) => line.includes('redis is unavailable'))).toHaveLength(1);
  });
});
