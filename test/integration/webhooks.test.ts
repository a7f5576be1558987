// Webhooks end to end: the real gateway in front of the simulator, and a receiver on 127.0.0.1 (allow-listed) that
// checks the Standard Webhooks signature of every attempt with its own HMAC computation.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from 'comfyui-sim';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait.js';
import { emptyImageWorkflow } from '../helpers/workflows.js';

const KEY = Buffer.from('webhook test key: 32 bytes long!');
const SECRET = `whsec_${KEY.toString('base64')}`;

interface Attempt {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  signatureOk: boolean;
}

/** The receiver's own verification: HMAC-SHA256 over "id.timestamp.body" with the decoded secret. */
function verify(headers: IncomingHttpHeaders, body: string): boolean {
  const id = String(headers['webhook-id']);
  const timestamp = String(headers['webhook-timestamp']);
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = createHmac('sha256', KEY).update(`${id}.${timestamp}.${body}`).digest();
  return String(headers['webhook-signature'] ?? '')
    .split(' ')
    .some((entry) => {
      const [version, signature = ''] = entry.split(',');
      const given = Buffer.from(signature, 'base64');
      return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
    });
}

describe('webhooks', () => {
  let stack: Stack;
  let sim: Simulator;
  let gw: TestGateway;
  let receiver: Server;
  let hookBase: string;
  let scenariosDir: string;
  const attempts: Attempt[] = [];
  const failuresLeft = new Map<string, number>();

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const route = req.url ?? '/';
        attempts.push({ path: route, headers: req.headers, body, signatureOk: verify(req.headers, body) });
        if (route.startsWith('/hang')) return; // never answers
        if (route.startsWith('/gone')) return void res.writeHead(410).end();
        const left = failuresLeft.get(route) ?? 0;
        if (left > 0) {
          failuresLeft.set(route, left - 1);
          return void res.writeHead(500).end('not now');
        }
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    hookBase = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

    scenariosDir = await mkdtemp(path.join(os.tmpdir(), 'webhook-scenarios-'));
    await mkdir(path.join(scenariosDir, 'templates'));
    await mkdir(path.join(scenariosDir, 'scenarios'));
    await writeFile(path.join(scenariosDir, 'scenarios', 'blank.json'), JSON.stringify(emptyImageWorkflow('blank')));
    await writeFile(
      path.join(scenariosDir, 'scenarios', 'blank.yaml'),
      `summary: A blank image\nworkflow: blank.json\nfields:\n  color: { type: integer, default: 0, to: 1.inputs.color }\noutputs: [2]\nwebhook: ${hookBase}/manifest\n`,
    );

    stack = await startStack(
      {
        comfyui: { ws_reconnect_min_ms: 10, ws_reconnect_max_ms: 100 },
        folders: { scenarios: path.join(scenariosDir, 'scenarios'), templates: path.join(scenariosDir, 'templates') },
        // Millisecond backoff so that five attempts take a moment, not minutes.
        webhooks: { secret: SECRET, initial_delay_ms: 1, max_delay_ms: 5, timeout_ms: 400, allow_hosts: ['127.0.0.1'] },
        locale: 'en',
      },
      { stepMs: 1 },
    );
    ({ sim, gw } = stack);
    await waitFor('the upstream stream', () => (gw.events.connected ? true : undefined));
  });
  afterAll(async () => {
    await stack?.close();
    receiver?.closeAllConnections();
    await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
    await rm(scenariosDir, { recursive: true, force: true });
  });

  async function submit(webhook: string) {
    const answer = await gw.call('POST', '/api/v1/workflows/submit', { workflow: emptyImageWorkflow('hook'), webhook });
    expect(answer.status, JSON.stringify(answer.json)).toBe(200);
    return (answer.json.data as { prompt_id: string }).prompt_id;
  }

  async function settled(promptId: string) {
    return waitFor(`the webhook of ${promptId} to settle`, async () => {
      const answer = await gw.call('GET', `/api/v1/jobs/${promptId}`);
      const webhook = (answer.json.data as { webhook?: { status: string } } | null)?.webhook;
      return webhook && webhook.status !== 'pending' ? (answer.json.data as Record<string, unknown> & { webhook: Record<string, unknown> }) : undefined;
    });
  }

  it('retries a receiver that fails twice and shows delivered after 3 attempts, every one signed', async () => {
    failuresLeft.set('/flaky', 2);
    const promptId = await submit(`${hookBase}/flaky`);
    const job = await settled(promptId);
    expect(job.webhook).toMatchObject({ url: `${hookBase}/flaky`, status: 'delivered', attempts: 3, last_status: 204, last_error: null });
    const mine = attempts.filter((a) => a.path === '/flaky');
    expect(mine).toHaveLength(3);
    expect(mine.every((a) => a.signatureOk)).toBe(true);
    expect(new Set(mine.map((a) => a.headers['webhook-id'])).size).toBe(1);
    const payload = JSON.parse(mine[2]?.body ?? '{}') as { type: string; timestamp: string; data: Record<string, unknown> };
    expect(payload).toMatchObject({ type: 'job.succeeded', data: { prompt_id: promptId, status: 'succeeded' } });
    expect(Number.isNaN(Date.parse(payload.timestamp))).toBe(false);
    expect(payload.data).not.toHaveProperty('webhook');
  });

  it('stops at 410 Gone after one attempt', async () => {
    const promptId = await submit(`${hookBase}/gone`);
    const job = await settled(promptId);
    expect(job.webhook).toMatchObject({ status: 'failed', attempts: 1, last_status: 410 });
    expect(attempts.filter((a) => a.path === '/gone')).toHaveLength(1);
  });

  it('gives up on a receiver that never answers after max_attempts, with the last error', async () => {
    const promptId = await submit(`${hookBase}/hang`);
    const job = await settled(promptId);
    expect(job.webhook).toMatchObject({ status: 'failed', attempts: 5, last_status: null, last_error: 'no answer within 400 ms' });
    expect(attempts.filter((a) => a.path === '/hang').every((a) => a.signatureOk)).toBe(true);
  });

  it('a scenario run delivers job.succeeded with its outputs to the manifest webhook; the request\'s URL wins', async () => {
    const answer = await gw.call('POST', '/api/v1/scenarios/blank', { color: 3 });
    expect(answer.status, JSON.stringify(answer.json)).toBe(200);
    const promptId = (answer.json.data as { prompt_id: string }).prompt_id;
    expect((await settled(promptId)).webhook).toMatchObject({ url: `${hookBase}/manifest`, status: 'delivered', attempts: 1 });
    const delivered = attempts.find((a) => a.path === '/manifest');
    expect(delivered?.signatureOk).toBe(true);
    const payload = JSON.parse(delivered?.body ?? '{}') as { type: string; data: { scenario: string; outputs: { node: string; url: string }[] } };
    expect(payload.type).toBe('job.succeeded');
    expect(payload.data.scenario).toBe('blank');
    expect(payload.data.outputs).toEqual([expect.objectContaining({ node: '2', url: expect.stringMatching(/^http/) })]);

    const own = await gw.call('POST', '/api/v1/scenarios/blank', { color: 4, webhook: `${hookBase}/own` });
    const ownId = (own.json.data as { prompt_id: string }).prompt_id;
    expect((await settled(ownId)).webhook).toMatchObject({ url: `${hookBase}/own`, status: 'delivered' });
  });

  it('refuses unusable URLs at submit time, before anything is queued', async () => {
    for (const webhook of ['ftp://example.com/x', 'http://user:pw@example.com/x', 'not a url', 'http://10.0.0.1/x']) {
      const answer = await gw.call('POST', '/api/v1/workflows/submit', { workflow: emptyImageWorkflow('bad'), webhook });
      expect(answer.status, webhook).toBe(400);
      expect(answer.json.message).toMatch(/webhook/);
    }
    const scenario = await gw.call('POST', '/api/v1/scenarios/blank', { webhook: 'file:///etc/passwd' });
    expect(scenario.status).toBe(400);
  });

  it('without webhooks.secret a webhook is refused with a 400 naming the setting', async () => {
    const plain = await startTestGateway({ comfyui: { url: sim.url }, locale: 'en' });
    try {
      const answer = await plain.call('POST', '/api/v1/workflows/submit', { workflow: emptyImageWorkflow('x'), webhook: `${hookBase}/x` });
      expect(answer.status).toBe(400);
      expect(answer.json.message).toContain('webhooks.secret');
    } finally {
      await plain.close();
    }
  });
});
