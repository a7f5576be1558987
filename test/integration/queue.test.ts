// The queue routes against the simulator: status in execution order, clear, delete.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from 'comfyui-sim';
import type { TestGateway } from '../helpers/gateway.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait.js';
import { uncachedWorkflow } from '../helpers/workflows.js';

interface Entry {
  prompt_id: string;
  number: number;
  timestamp: number | null;
}
interface Status {
  queue_running: Entry[];
  queue_pending: Entry[];
  running_count: number;
  pending_count: number;
}

describe('queue routes', () => {
  let stack: Stack;
  let sim: Simulator;
  let gw: TestGateway;

  beforeAll(async () => {
    stack = await startStack({ comfyui: { request_timeout_ms: 5000 } });
    ({ sim, gw } = stack);
  });
  afterEach(async () => {
    await gw.call('POST', '/api/v1/queue/clear', { clear: true });
    await sim.faults.reset();
    // Let the slow prompt of a test finish, so the next test starts with an idle queue.
    await waitFor('an idle queue', async () => ((await status()).running_count === 0 ? true : undefined));
  });
  afterAll(async () => stack?.close());

  async function status(): Promise<Status> {
    const answer = await gw.call('GET', '/api/v1/queue/status');
    expect(answer.status).toBe(200);
    return answer.json.data as Status;
  }

  async function submitThroughGateway(): Promise<string> {
    const answer = await gw.call('POST', '/api/v1/workflows/submit', { workflow: uncachedWorkflow('q') });
    expect(answer.status).toBe(200);
    return (answer.json.data as { prompt_id: string }).prompt_id;
  }

  /** Straight to ComfyUI, around the gateway: no gateway metadata, and a queue number of our choosing. */
  async function submitAround(promptId: string, number?: number): Promise<void> {
    const response = await fetch(`${sim.url}/prompt`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: uncachedWorkflow('q'), prompt_id: promptId, ...(number === undefined ? {} : { number }) }),
    });
    expect(response.status).toBe(200);
  }

  async function busy(): Promise<string> {
    sim.faults.nodeDelayMs = { EmptyImage: 1000 };
    const id = await submitThroughGateway();
    await waitFor('a running prompt', async () => ((await status()).queue_running[0]?.prompt_id === id ? true : undefined));
    return id;
  }

  it('reports an empty queue', async () => {
    const answer = await gw.call('GET', '/api/v1/queue/status');
    expect(answer.json).toEqual({
      code: 200,
      message: '获取队列状态成功',
      data: { queue_running: [], queue_pending: [], running_count: 0, pending_count: 0 },
    });
  });

  it('lists items as objects, pending in execution order, with the gateway\'s submit time', async () => {
    const before = Date.now();
    const running = await busy();
    const ours = await submitThroughGateway();
    // Numbers chosen so that ComfyUI's heap array order differs from the order they run in; two share a number.
    const ids = {
      n50: '50000000-0000-4000-8000-000000000000',
      n40: '40000000-0000-4000-8000-000000000000',
      n45b: 'b4500000-0000-4000-8000-000000000000',
      n45a: 'a4500000-0000-4000-8000-000000000000',
      n1: '10000000-0000-4000-8000-000000000000',
    };
    await submitAround(ids.n50, 50);
    await submitAround(ids.n40, 40);
    await submitAround(ids.n45b, 45);
    await submitAround(ids.n45a, 45);
    await submitAround(ids.n1, -1);

    const data = await status();
    expect(data.running_count).toBe(1);
    expect(data.queue_running).toEqual([{ prompt_id: running, number: expect.any(Number), timestamp: expect.any(Number) }]);
    expect(data.pending_count).toBe(6);
    expect(data.queue_pending.map((entry) => entry.prompt_id)).toEqual([ids.n1, ours, ids.n40, ids.n45a, ids.n45b, ids.n50]);
    const mine = data.queue_pending.find((entry) => entry.prompt_id === ours);
    expect(mine?.timestamp).toBeGreaterThanOrEqual(before);
    expect(mine?.timestamp).toBeLessThanOrEqual(Date.now());
    expect(data.queue_pending.find((entry) => entry.prompt_id === ids.n40)?.timestamp).toBeNull();
  });

  it('clears the pending queue with {"clear": true}; the running prompt continues', async () => {
    const running = await busy();
    await submitThroughGateway();
    await submitThroughGateway();
    const answer = await gw.call('POST', '/api/v1/queue/clear', { clear: true });
    expect(answer.json).toEqual({
      code: 200,
      message: '队列已清空',
      data: { cleared: true, deleted: [], not_found: [] },
    });
    const data = await status();
    expect(data.pending_count).toBe(0);
    expect(data.queue_running[0]?.prompt_id).toBe(running);
  });

  it.each([
    ['{"clear": false}', { clear: false }],
    ['an empty body', {}],
  ])('refuses %s and says to send {"clear": true}', async (_name, body) => {
    const answer = await gw.call('POST', '/api/v1/queue/clear', body);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ code: 400, data: null });
    expect(answer.json.message).toContain('{"clear": true}');
  });

  it('refuses a body without content and a clear that is not a boolean', async () => {
    const empty = await fetch(`${gw.url}/api/v1/queue/clear`, { method: 'POST' });
    expect(empty.status).toBe(400);
    const wrongType = await gw.call('POST', '/api/v1/queue/clear', { clear: 'yes' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.json.message).toContain('clear');
  });

  it('removes particular pending prompts with {"delete": [ids]} and names the ones it did not find', async () => {
    const running = await busy();
    const keep = await submitThroughGateway();
    const drop = await submitThroughGateway();
    const answer = await gw.call('POST', '/api/v1/queue/clear', { delete: [drop, running, 'nope'] });
    expect(answer.json).toMatchObject({
      code: 200,
      message: '已从队列中删除指定任务',
      data: { cleared: false, deleted: [drop], not_found: [running, 'nope'] },
    });
    const data = await status();
    expect(data.queue_pending.map((entry) => entry.prompt_id)).toEqual([keep]);
    expect(data.queue_running[0]?.prompt_id).toBe(running);
  });
});
