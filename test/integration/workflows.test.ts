// The workflow routes against the simulator: submit, history, interrupt.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from 'comfyui-sim';
import type { TestGateway } from '../helpers/gateway.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait.js';
import { uncachedWorkflow } from '../helpers/workflows.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('workflow routes', () => {
  let stack: Stack;
  let sim: Simulator;
  let gw: TestGateway;

  beforeAll(async () => {
    stack = await startStack({ comfyui: { request_timeout_ms: 5000 }, limits: { workflow_nodes: 50 } });
    ({ sim, gw } = stack);
  });
  afterEach(async () => {
    await sim.faults.reset();
    await gw.call('POST', '/api/v1/queue/clear', { clear: true });
  });
  afterAll(async () => stack?.close());

  async function historyOf(id: string) {
    const answer = await gw.call('GET', `/api/v1/workflows/${id}/history`);
    return answer.status === 200 ? answer : undefined;
  }

  async function runningId(): Promise<string | undefined> {
    const status = await gw.call('GET', '/api/v1/queue/status');
    const running = (status.json.data as { queue_running: { prompt_id: string }[] }).queue_running;
    return running[0]?.prompt_id;
  }

  it('submits an API-format workflow and reads its history once it finished', async () => {
    const answer = await gw.call('POST', '/api/v1/workflows/submit', { workflow: uncachedWorkflow('wf'), client_id: 'my_client' });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ code: 200, message: '工作流已提交', data: { client_id: 'my_client' } });
    const id = (answer.json.data as { prompt_id: string }).prompt_id;
    expect(id).toMatch(UUID);
    expect(gw.tracker.get(id)?.clientId).toBe('my_client');

    const history = await waitFor('history', () => historyOf(id));
    expect(history.json).toMatchObject({
      code: 200,
      message: '获取历史记录成功',
      data: {
        prompt_id: id,
        status: { status_str: 'success', completed: true },
        outputs: { '2': { images: [{ filename: expect.stringMatching(/^wf_\d{5}_\.png$/), subfolder: '', type: 'output' }] } },
      },
    });
  });

  it('answers client_id null when none was given', async () => {
    const answer = await gw.call('POST', '/api/v1/workflows/submit', { workflow: uncachedWorkflow('wf') });
    expect(answer.json.data).toMatchObject({ client_id: null, prompt_id: expect.stringMatching(UUID) });
  });

  it('refuses a UI-format export and says to use Save (API Format)', async () => {
    const ui = { last_node_id: 2, nodes: [{ id: 1, type: 'EmptyImage' }], links: [], version: 0.4 };
    const answer = await gw.call('POST', '/api/v1/workflows/submit', { workflow: ui });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ code: 400, data: null });
    expect(answer.json.message).toContain('Save (API Format)');
  });

  it.each([
    ['a node without class_type', { '1': { inputs: {} } }, 'class_type'],
    ['a node that is not an object', { '1': 'EmptyImage' }, 'class_type'],
    ['a node without inputs', { '1': { class_type: 'EmptyImage' } }, 'inputs'],
    ['an empty workflow', {}, 'workflow'],
  ])('refuses %s with 400', async (_name, workflow, mention) => {
    const answer = await gw.call('POST', '/api/v1/workflows/submit', { workflow });
    expect(answer.status).toBe(400);
    expect(answer.json.code).toBe(400);
    expect(answer.json.message).toContain(mention);
  });

  it.each([
    ['no workflow', { client_id: 'x' }],
    ['a workflow that is an array', { workflow: [] }],
    ['an unknown field', { workflow: uncachedWorkflow('wf'), prompt: {} }],
    ['a non-string client_id', { workflow: uncachedWorkflow('wf'), client_id: 5 }],
  ])('refuses a body with %s', async (_name, body) => {
    const answer = await gw.call('POST', '/api/v1/workflows/submit', body);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ code: 400, data: null });
  });

  it('refuses more nodes than limits.workflow_nodes', async () => {
    const workflow: Record<string, unknown> = {};
    for (let i = 0; i < 51; i++) workflow[String(i)] = { class_type: 'EmptyImage', inputs: {} };
    const answer = await gw.call('POST', '/api/v1/workflows/submit', { workflow });
    expect(answer.status).toBe(400);
    expect(answer.json.message).toContain('50');
  });

  it('refuses a workflow nested deeper than limits.workflow_depth', async () => {
    let value: unknown = 'leaf';
    for (let i = 0; i < 40; i++) value = { nested: value };
    const answer = await gw.call('POST', '/api/v1/workflows/submit', {
      workflow: { '1': { class_type: 'EmptyImage', inputs: { deep: value } } },
    });
    expect(answer.status).toBe(400);
    expect(answer.json.message).toContain('32');
  });

  it('passes ComfyUI\'s own rejection on as 1002 with error and node_errors', async () => {
    const unknown = await gw.call('POST', '/api/v1/workflows/submit', {
      workflow: { '1': { class_type: 'NoSuchNode', inputs: {} } },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.json).toMatchObject({
      code: 1002,
      data: null,
      details: { error: { type: 'invalid_prompt' }, node_errors: {} },
    });

    const missingInput = await gw.call('POST', '/api/v1/workflows/submit', {
      workflow: { ...uncachedWorkflow('wf'), '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1 } } },
    });
    expect(missingInput.status).toBe(422);
    expect(missingInput.json.details).toMatchObject({
      error: { type: 'prompt_outputs_failed_validation' },
      node_errors: { '1': { errors: [{ type: 'required_input_missing' }] } },
    });
  });

  it('answers 404 for an unknown prompt id (ComfyUI itself answers {})', async () => {
    const answer = await gw.call('GET', '/api/v1/workflows/00000000-0000-4000-8000-000000000000/history');
    expect(answer.status).toBe(404);
    expect(answer.json).toMatchObject({ code: 404, data: null });
  });

  it('stops a running prompt by interrupting and a pending one by removing it', async () => {
    sim.faults.nodeDelayMs = { EmptyImage: 1500 };
    const first = await gw.call('POST', '/api/v1/workflows/submit', { workflow: uncachedWorkflow('slow') });
    const second = await gw.call('POST', '/api/v1/workflows/submit', { workflow: uncachedWorkflow('slow') });
    const runningPrompt = (first.json.data as { prompt_id: string }).prompt_id;
    const pendingPrompt = (second.json.data as { prompt_id: string }).prompt_id;
    await waitFor('the first prompt to run', async () => ((await runningId()) === runningPrompt ? true : undefined));

    // History of an unfinished prompt is a 404 that says it is still pending.
    const early = await gw.call('GET', `/api/v1/workflows/${pendingPrompt}/history`);
    expect(early.status).toBe(404);
    expect(early.json.message).toContain('排队');

    const removed = await gw.call('POST', '/api/v1/workflows/interrupt', { prompt_id: pendingPrompt });
    expect(removed.json).toMatchObject({ code: 200, data: { prompt_id: pendingPrompt, action: 'removed' } });
    const interrupted = await gw.call('POST', '/api/v1/workflows/interrupt', { prompt_id: runningPrompt });
    expect(interrupted.json).toMatchObject({ code: 200, data: { prompt_id: runningPrompt, action: 'interrupted' } });

    const history = await waitFor('the interrupted history', () => historyOf(runningPrompt));
    expect(history.json.data).toMatchObject({ status: { status_str: 'error', completed: false } });
    const status = await gw.call('GET', '/api/v1/queue/status');
    expect(status.json.data).toMatchObject({ pending_count: 0 });
    expect((await gw.call('GET', `/api/v1/workflows/${pendingPrompt}/history`)).status).toBe(404);
  });

  it('answers 404 when interrupting a prompt that is neither running nor pending', async () => {
    const answer = await gw.call('POST', '/api/v1/workflows/interrupt', { prompt_id: 'not-a-prompt' });
    expect(answer.status).toBe(404);
    expect(answer.json).toMatchObject({ code: 404, data: null });
  });

  it('requires prompt_id to interrupt', async () => {
    const answer = await gw.call('POST', '/api/v1/workflows/interrupt', {});
    expect(answer.status).toBe(400);
    expect(answer.json.message).toContain('prompt_id');
  });
});
