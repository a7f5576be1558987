// GET /health against the simulator, up and down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from 'comfyui-sim';
import type { TestGateway } from '../helpers/gateway.js';
import { startStack, type Stack } from '../helpers/stack.js';

describe('GET /health', () => {
  let stack: Stack;
  let sim: Simulator;
  let gw: TestGateway;
  beforeAll(async () => {
    stack = await startStack({ comfyui: { connect_timeout_ms: 500, request_timeout_ms: 2000 } });
    ({ sim, gw } = stack);
  });
  afterAll(async () => stack?.close());

  it('reports ComfyUI reachable, with its round trip and version', async () => {
    const answer = await gw.call('GET', '/health');
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      code: 200,
      message: '服务正常',
      data: { status: 'ok', comfyui: { url: sim.url, reachable: true, version: expect.any(String) } },
    });
    const comfyui = (answer.json.data as { comfyui: { latency_ms: number } }).comfyui;
    expect(comfyui.latency_ms).toBeGreaterThanOrEqual(0);
    expect(comfyui.latency_ms).toBeLessThan(2000);
  });

  it('answers 503 with code 1001 and machine-readable details while ComfyUI is down, then recovers', async () => {
    await sim.faults.setRefuseConnections(true);
    try {
      const down = await gw.call('GET', '/health');
      expect(down.status).toBe(503);
      expect(down.json).toMatchObject({
        code: 1001,
        data: null,
        details: { comfyui: { url: sim.url, reachable: false, error: expect.stringContaining('connection refused') } },
      });
      expect(down.json.message).toContain(new URL(sim.url).host);
    } finally {
      await sim.faults.setRefuseConnections(false);
    }
    const up = await gw.call('GET', '/health');
    expect(up.status).toBe(200);
  });

  it('needs no API key and is public in the route spec', async () => {
    const answer = await fetch(`${gw.url}/health`);
    expect(answer.status).toBe(200);
  });
});
