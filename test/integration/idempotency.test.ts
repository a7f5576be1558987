// Idempotency-Key on the submit routes, the real gateway in front of the simulator: the simulator's own queue and
// history say how many prompts were really submitted.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from 'comfyui-sim';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startStack, type Stack } from '../helpers/stack.js';

const ALICE = { 'x-api-key': 'alice-key-0123456789' };
const BOB = { 'x-api-key': 'bob-key-0123456789' };

function workflow(prefix: string, color = 0) {
  return {
    '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color } },
    '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: prefix } },
  };
}

describe('Idempotency-Key', () => {
  let sim: Simulator;
  let gw: TestGateway;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'idempotency-scenarios-'));
    await mkdir(path.join(dir, 'scenarios'));
    await mkdir(path.join(dir, 'templates'));
    await writeFile(path.join(dir, 'scenarios', 'blank.json'), JSON.stringify(workflow('idem-scenario')));
    await writeFile(
      path.join(dir, 'scenarios', 'blank.yaml'),
      'workflow: blank.json\nfields:\n  color: { type: integer, default: 0, to: 1.inputs.color }\n',
    );
    sim = await startSimulator({ port: 0, stepMs: 1 });
    gw = await startTestGateway({
      comfyui: { url: sim.url },
      folders: { scenarios: path.join(dir, 'scenarios'), templates: path.join(dir, 'templates') },
      auth: { api_keys: [{ key: ALICE['x-api-key'], name: 'alice' }, { key: BOB['x-api-key'], name: 'bob' }] },
      locale: 'en',
    });
  });
  afterAll(async () => {
    await gw?.close();
    await sim?.close();
    await rm(dir, { recursive: true, force: true });
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

  it('the same key twice submits one prompt and answers the same body, marked Idempotent-Replayed', async () => {
    const body = { workflow: workflow('idem-twice') };
    const headers = { ...ALICE, 'Idempotency-Key': 'order-1' };
    const first = await gw.call('POST', '/api/v1/workflows/submit', body, headers);
    const second = await gw.call('POST', '/api/v1/workflows/submit', body, headers);
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.json).toEqual(first.json);
    expect(await promptsIn('idem-twice')).toBe(1);
  });

  it('a different body under the same key is a 400', async () => {
    const headers = { ...ALICE, 'Idempotency-Key': 'wf-vs-body' };
    const first = await gw.call('POST', '/api/v1/workflows/submit', { workflow: workflow('idem-body') }, headers);
    expect(first.status).toBe(200);
    const other = await gw.call('POST', '/api/v1/workflows/submit', { workflow: workflow('idem-body', 5) }, headers);
    expect(other.status).toBe(400);
    expect(other.json.message).toMatch(/already used for a different request/);
    expect(await promptsIn('idem-body')).toBe(1);
  });

  it('concurrent duplicates submit once and all get the same answer', async () => {
    const body = { workflow: workflow('idem-race') };
    const headers = { ...BOB, 'Idempotency-Key': 'race-1' };
    const answers = await Promise.all(Array.from({ length: 5 }, () => gw.call('POST', '/api/v1/workflows/submit', body, headers)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(answers.map((a) => JSON.stringify(a.json))).size).toBe(1);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(4);
    expect(await promptsIn('idem-race')).toBe(1);
  });

  it('keys of different API keys do not collide', async () => {
    const body = { workflow: workflow('idem-keys') };
    const a = await gw.call('POST', '/api/v1/workflows/submit', body, { ...ALICE, 'Idempotency-Key': 'shared' });
    const b = await gw.call('POST', '/api/v1/workflows/submit', body, { ...BOB, 'Idempotency-Key': 'shared' });
    expect(b.headers.get('idempotent-replayed')).toBeNull();
    expect((b.json.data as { prompt_id: string }).prompt_id).not.toBe((a.json.data as { prompt_id: string }).prompt_id);
    expect(await promptsIn('idem-keys')).toBe(2);
  });

  it('a failed first attempt is not kept: the corrected request goes through under the same key', async () => {
    const headers = { ...ALICE, 'Idempotency-Key': 'fix-me' };
    const broken = { workflow: { '1': { class_type: 'NoSuchNode', inputs: {} }, '2': workflow('x')['2'] } };
    const failed = await gw.call('POST', '/api/v1/workflows/submit', broken, headers);
    expect(failed.status).toBe(422);
    const again = await gw.call('POST', '/api/v1/workflows/submit', broken, headers);
    expect(again.status).toBe(422);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    const fixed = await gw.call('POST', '/api/v1/workflows/submit', { workflow: workflow('idem-fixed') }, headers);
    expect(fixed.status).toBe(200);
    expect(fixed.headers.get('idempotent-replayed')).toBeNull();
    expect(await promptsIn('idem-fixed')).toBe(1);
  });

  it('the scenario route: one prompt per key, another body is a 400, a refused body is not kept', async () => {
    const headers = { ...ALICE, 'Idempotency-Key': 'scenario-1' };
    const invalid = await gw.call('POST', '/api/v1/scenarios/blank', { color: 'red' }, headers);
    expect(invalid.status).toBe(400);
    const answers = await Promise.all([1, 2, 3].map(() => gw.call('POST', '/api/v1/scenarios/blank', { color: 2 }, headers)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(new Set(answers.map((a) => JSON.stringify(a.json))).size).toBe(1);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(2);
    expect(await promptsIn('idem-scenario')).toBe(1);
    const other = await gw.call('POST', '/api/v1/scenarios/blank', { color: 3 }, headers);
    expect(other.status).toBe(400);
    // The same key on another route is another scope.
    const workflowRoute = await gw.call('POST', '/api/v1/workflows/submit', { workflow: workflow('idem-scope') }, headers);
    expect(workflowRoute.headers.get('idempotent-replayed')).toBeNull();
  });

  it('refuses a malformed key', async () => {
    const answer = await gw.call('POST', '/api/v1/workflows/submit', { workflow: workflow('idem-bad') }, { ...ALICE, 'Idempotency-Key': 'x'.repeat(256) });
    expect(answer.status).toBe(400);
    expect(answer.json.message).toMatch(/Idempotency-Key/);
  });
});

describe('Idempotency-Key: the scope is the matched route', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ locale: 'en', auth: { api_keys: [{ key: ALICE['x-api-key'], name: 'alice' }] } }, { stepMs: 1 });
  });
  afterAll(async () => stack?.close());

  it('the same key on /submit, /submit/ and /API/…/submit queues one prompt; the variants replay its answer', async () => {
    const body = { workflow: workflow('idem-variants') };
    const headers = { ...ALICE, 'Idempotency-Key': 'variants-1' };
    const first = await stack.gw.call('POST', '/api/v1/workflows/submit', body, headers);
    const slash = await stack.gw.call('POST', '/api/v1/workflows/submit/', body, headers);
    const upper = await stack.gw.call('POST', '/API/v1/workflows/submit', body, headers);
    expect([first.status, slash.status, upper.status]).toEqual([200, 200, 200]);
    expect(slash.headers.get('idempotent-replayed')).toBe('true');
    expect(upper.headers.get('idempotent-replayed')).toBe('true');
    expect(slash.json).toEqual(first.json);
    expect(upper.json).toEqual(first.json);
    const history = (await fetch(`${stack.sim.url}/history`).then((r) => r.json())) as Record<string, { prompt: unknown[] }>;
    const queue = (await fetch(`${stack.sim.url}/queue`).then((r) => r.json())) as { queue_running: unknown[][]; queue_pending: unknown[][] };
    const prompts = [...Object.values(history).map((h) => h.prompt[2]), ...queue.queue_running.map((q) => q[2]), ...queue.queue_pending.map((q) => q[2])];
    expect(prompts.filter((p) => JSON.stringify(p).includes('"filename_prefix":"idem-variants"'))).toHaveLength(1);
  });
});

describe('Idempotency-Key with large base64 answers', () => {
  const maxBytes = 100_000;
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ locale: 'en', idempotency: { max_bytes: maxBytes } }, { stepMs: 1 });
    // Noise does not compress: about 270 KB of PNG, 360 KB of base64 in each answer, far above the byte bound.
    const png = await sharp(randomBytes(300 * 300 * 3), { raw: { width: 300, height: 300, channels: 3 } }).png().toBuffer();
    const form = new FormData();
    form.append('image', new Blob([png], { type: 'image/png' }), 'noise.png');
    const uploaded = await fetch(`${stack.sim.url}/upload/image`, { method: 'POST', body: form });
    expect(uploaded.status).toBe(200);
  });
  afterAll(async () => stack?.close());

  const noiseWorkflow = (prefix: string) => ({
    '1': { class_type: 'LoadImage', inputs: { image: 'noise.png' } },
    '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: prefix } },
  });
  type Outputs = { outputs: { base64?: string; mime?: string; filename: string }[] };

  it('keeps the store within idempotency.max_bytes over many keys, and replays a large answer whole', async () => {
    const target = '/api/v1/workflows/submit?wait=true&output=base64';
    const answers = [];
    for (let i = 0; i < 8; i += 1) {
      const answer = await stack.gw.call('POST', target, { workflow: noiseWorkflow(`idem-big-${i}`) }, { 'Idempotency-Key': `big-${i}` });
      expect(answer.status).toBe(200);
      const output = (answer.json.data as Outputs).outputs[0];
      expect(output?.base64?.length).toBeGreaterThan(300_000);
      expect(stack.gw.idempotency.bytes).toBeLessThanOrEqual(maxBytes);
      answers.push(answer);
    }
    // Every key is still remembered: the records are small because the images are not in them.
    expect(stack.gw.idempotency.size).toBe(8);
    const replay = await stack.gw.call('POST', target, { workflow: noiseWorkflow('idem-big-0') }, { 'Idempotency-Key': 'big-0' });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.json).toEqual(answers[0]?.json);
    expect(JSON.stringify(replay.json)).toBe(JSON.stringify(answers[0]?.json));
  });
});
