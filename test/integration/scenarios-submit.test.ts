// The shipped scenarios (scenarios/ + templates/ of this repository) through the real gateway against the
// simulator: the replaced service's multi-line cpu_quickly curl body unchanged, dry runs, random seeds, and refusals.
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from 'comfyui-sim';
import type { TestGateway } from '../helpers/gateway.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait.js';
import { copyShippedScenarios, type ShippedCopy } from '../helpers/shipped-scenarios.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('shipped scenarios against the simulator', () => {
  let stack: Stack;
  let sim: Simulator;
  let gw: TestGateway;

  let shipped: ShippedCopy;
  beforeAll(async () => {
    shipped = await copyShippedScenarios(['cpu_quickly', 'invert', 'resize', 'text2img']);
    stack = await startStack(
      {
        comfyui: { request_timeout_ms: 5000 },
        folders: shipped.folders,
      },
      { stepMs: 1 },
    );
    ({ sim, gw } = stack);
    // The seed's curl example names input.png: give the simulated ComfyUI such a file.
    await copyFile(path.join(sim.dataDir, 'input', 'example.png'), path.join(sim.dataDir, 'input', 'input.png'));
  });
  afterAll(async () => {
    await stack?.close();
    await shipped?.remove();
  });

  async function finished(promptId: string) {
    return waitFor(`history of ${promptId}`, async () => {
      const answer = await gw.call('GET', `/api/v1/workflows/${promptId}/history`);
      const data = answer.json.data as { status?: { completed?: boolean; status_str?: string } } | null;
      return answer.status === 200 && data?.status?.completed ? data : undefined;
    });
  }

  it('accepts the replaced service\'s cpu_quickly curl body unchanged and the simulator runs it', async () => {
    const body = '{\n    "prompt": "a beautiful sunset over mountains",\n    "negative_prompt": "blurry, low quality",\n    "input_image": "input.png"\n  }';
    const answer = await gw.call('POST', '/api/v1/scenarios/cpu_quickly', body, { 'content-type': 'application/json' });
    expect(answer.status).toBe(200);
    expect(answer.json.code).toBe(200);
    expect(answer.json.message).toBe('图生图任务已提交');
    const data = answer.json.data as { prompt_id: string; scenario: string; params: Record<string, unknown> };
    expect(data.prompt_id).toMatch(UUID);
    expect(data.scenario).toBe('cpu_quickly');
    expect(data.params).toMatchObject({
      prompt: 'a beautiful sunset over mountains',
      negative_prompt: 'blurry, low quality',
      input_image: 'input.png',
      steps: 7,
      denoise: 0.6,
    });
    const history = await finished(data.prompt_id);
    expect(history.status?.status_str).toBe('success');
  });

  it('draws a random seed for -1 and reports the value it used', async () => {
    const seeds = new Set<unknown>();
    for (let i = 0; i < 3; i++) {
      const answer = await gw.call('POST', '/api/v1/scenarios/cpu_quickly?dry_run=true', { prompt: 'x', seed: -1 });
      const data = answer.json.data as { params: { seed: number }; workflow: Record<string, { inputs: Record<string, unknown> }> };
      expect(data.params.seed).toBeGreaterThanOrEqual(0);
      expect(data.workflow['6']?.inputs.seed).toBe(data.params.seed);
      seeds.add(data.params.seed);
    }
    expect(seeds.size).toBeGreaterThan(1);
    const fixed = await gw.call('POST', '/api/v1/scenarios/cpu_quickly?dry_run=true', { prompt: 'x', seed: 42 });
    expect((fixed.json.data as { params: { seed: number } }).params.seed).toBe(42);
  });

  it('dry_run returns the built workflow and submits nothing', async () => {
    const before = await gw.call('GET', '/api/v1/queue/status');
    const answer = await gw.call('POST', '/api/v1/scenarios/text2img?dry_run=true', { prompt: 'a cat', width: 640 });
    expect(answer.status).toBe(200);
    const data = answer.json.data as { workflow: Record<string, { inputs: Record<string, unknown> }>; params: Record<string, unknown> };
    expect(data.workflow['6']?.inputs.text).toBe('a cat');
    expect(data.workflow['5']?.inputs).toMatchObject({ width: 640, height: 512 });
    expect(data.workflow['6']?.inputs.clip).toEqual(['4', 1]);
    expect(data.params).toMatchObject({ prompt: 'a cat', negative_prompt: '', width: 640, height: 512, steps: 20, cfg: 7 });
    expect(answer.json).not.toHaveProperty('data.prompt_id');
    const after = await gw.call('GET', '/api/v1/queue/status');
    expect(after.json.data).toEqual(before.json.data);
  });

  it('runs invert and resize on the simulator, client_id carried through', async () => {
    const invert = await gw.call('POST', '/api/v1/scenarios/invert', { input_image: 'example.png', client_id: 'my_client' });
    expect(invert.status).toBe(200);
    expect(invert.json.data).toMatchObject({ scenario: 'invert', client_id: 'my_client' });
    const resize = await gw.call('POST', '/api/v1/scenarios/resize', { input_image: 'example.png', width: 32, height: 0, method: 'lanczos' });
    expect(resize.status).toBe(200);
    for (const answer of [invert, resize]) {
      const history = await finished((answer.json.data as { prompt_id: string }).prompt_id);
      expect(history.status?.status_str).toBe('success');
    }
  });

  it('refuses a bad body with the field and a sentence', async () => {
    const missing = await gw.call('POST', '/api/v1/scenarios/cpu_quickly', { negative_prompt: 'x' });
    expect(missing.status).toBe(400);
    expect(missing.json.message).toContain('body.prompt 是必填项');
    expect(missing.json.data).toBeNull();
    const method = await gw.call('POST', '/api/v1/scenarios/resize', { input_image: 'a.png', method: 'cubic' });
    expect(method.status).toBe(400);
    expect(method.json.message).toContain('body.method 必须是以下值之一');
    const extra = await gw.call('POST', '/api/v1/scenarios/invert', { input_image: 'a.png', colour: 1 });
    expect(extra.json.message).toContain('body.colour 不是已知的字段');
  });

  it('answers 404 naming an unknown scenario', async () => {
    const answer = await gw.call('POST', '/api/v1/scenarios/nope', { prompt: 'x' });
    expect(answer.status).toBe(404);
    expect(answer.json.code).toBe(404);
    expect(answer.json.message).toContain('场景 "nope"');
    expect(answer.json.message).toContain('cpu_quickly');
  });

  it('lists the scenarios and describes one', async () => {
    const list = await gw.call('GET', '/api/v1/scenarios');
    const scenarios = (list.json.data as { scenarios: { name: string; status: string }[] }).scenarios;
    expect(scenarios.map((s) => s.name).sort()).toEqual(['cpu_quickly', 'invert', 'resize', 'text2img']);
    const detail = await gw.call('GET', '/api/v1/scenarios/cpu_quickly');
    const data = detail.json.data as { fields: { name: string; to: string[] }[]; example: unknown; schema: unknown };
    expect(data.fields.find((f) => f.name === 'seed')?.to).toEqual(['6.inputs.seed']);
    expect(data.example).toMatchObject({ prompt: 'a beautiful sunset over mountains' });
    expect(data.schema).toBe(data.schema);
    expect(gw.registry.current().scenarios.get('cpu_quickly')?.requestSchema).toEqual(data.schema);
  });
});
