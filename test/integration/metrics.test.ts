// GET /metrics against the simulator: Prometheus text from the gateway's own registry, route templates (never raw
// paths) as labels, submissions and job durations by scenario, upstream health and errors, and the auth rules.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from 'comfyui-sim';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait.js';

async function scrape(gw: TestGateway, headers: Record<string, string> = {}): Promise<{ status: number; type: string; text: string }> {
  const response = await fetch(`${gw.url}/metrics`, { headers });
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

/** The value of one series, e.g. value(text, 'http_requests_total', {route: '/health', code: '200'}). */
function value(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, wanted]) => have[key] === wanted)) return Number(match[3]);
  }
  return undefined;
}

const tinyWorkflow = {
  '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 0 } },
  '2': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } },
};

describe('GET /metrics', () => {
  let stack: Stack;
  let sim: Simulator;
  let gw: TestGateway;
  beforeAll(async () => {
    stack = await startStack({ comfyui: { connect_timeout_ms: 500, request_timeout_ms: 2000 } }, { stepMs: 1 });
    ({ sim, gw } = stack);
  });
  afterAll(async () => stack?.close());

  it('serves Prometheus text with the Node defaults and the upstream stream up', async () => {
    const first = await waitFor('comfyui_up 1', async () => {
      const answer = await scrape(gw);
      return value(answer.text, 'comfyui_up') === 1 ? answer : undefined;
    }, 5_000);
    expect(first.status).toBe(200);
    expect(first.type).toContain('text/plain');
    expect(first.text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(value(first.text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(value(first.text, 'websocket_connections')).toBe(0);
    // The initial load is a reload that succeeded.
    expect(value(first.text, 'scenario_reloads_total')).toBeGreaterThanOrEqual(1);
    expect(value(first.text, 'scenario_reload_failures_total')).toBe(0);
  });

  it('labels requests with the route template, never the raw path; unknown paths are "unmatched"', async () => {
    const id = 'f00dfeed-0000-4000-8000-000000000000';
    expect((await gw.call('GET', `/api/v1/workflows/${id}/history`)).status).toBe(404);
    expect((await gw.call('GET', '/no/such/route/at-all')).status).toBe(404);
    const { text } = await scrape(gw);
    expect(value(text, 'http_requests_total', { route: '/api/v1/workflows/{prompt_id}/history', method: 'GET', code: '404' })).toBe(1);
    expect(value(text, 'http_requests_total', { route: 'unmatched', method: 'GET', code: '404' })).toBeGreaterThanOrEqual(1);
    expect(value(text, 'http_request_duration_seconds_count', { route: '/api/v1/workflows/{prompt_id}/history', method: 'GET' })).toBe(1);
    expect(text).not.toContain(id);
    expect(text).not.toContain('at-all');
  });

  it('counts scenario submissions and times their jobs to the end, by scenario and outcome', async () => {
    const scenarios = gw.config.folders.scenarios;
    const templates = gw.config.folders.templates;
    await mkdir(scenarios, { recursive: true });
    await mkdir(templates, { recursive: true });
    await writeFile(path.join(templates, 'tiny.json'), JSON.stringify(tinyWorkflow));
    const manifest = 'summary: tiny\nworkflow: tiny.json\nfields:\n  color: { type: integer, minimum: 0, default: 0, to: 1.inputs.color }\n';
    await writeFile(path.join(scenarios, 'tiny.yaml'), manifest);
    await gw.registry.update([path.join(scenarios, 'tiny.yaml')]);

    const submitted = await gw.call('POST', '/api/v1/scenarios/tiny', { color: 7 });
    expect(submitted.status).toBe(200);
    const direct = await gw.call('POST', '/api/v1/workflows/submit', { workflow: tinyWorkflow });
    expect(direct.status).toBe(200);

    const text = await waitFor('the tiny job counted', async () => {
      const { text } = await scrape(gw);
      const done = value(text, 'job_duration_seconds_count', { scenario: 'tiny', outcome: 'succeeded' });
      return done === 1 ? text : undefined;
    }, 5_000);
    expect(value(text, 'scenario_submissions_total', { scenario: 'tiny' })).toBe(1);
    expect(value(text, 'scenario_submissions_total', { scenario: '(workflow)' })).toBe(1);
    expect(value(text, 'http_requests_total', { route: '/api/v1/scenarios/{name}', method: 'POST', code: '200' })).toBe(1);
    expect(value(text, 'scenario_reloads_total')).toBeGreaterThanOrEqual(2);
    expect(value(text, 'comfyui_queue_depth')).toBeGreaterThanOrEqual(0);
  });

  it('counts upstream failures by kind and reports ComfyUI down', async () => {
    await sim.faults.setRefuseConnections(true);
    try {
      expect((await gw.call('GET', '/api/v1/queue/status')).status).toBe(502);
      const { text } = await scrape(gw);
      expect(value(text, 'upstream_errors_total', { kind: 'refused' })).toBeGreaterThanOrEqual(1);
      expect(value(text, 'comfyui_up')).toBe(0);
    } finally {
      await sim.faults.setRefuseConnections(false);
    }
    const { text } = await waitFor('a lost upstream WebSocket counted', async () => {
      const answer = await scrape(gw);
      return value(answer.text, 'upstream_errors_total', { kind: 'websocket_lost' }) ? answer : undefined;
    }, 5_000);
    expect(value(text, 'upstream_errors_total', { kind: 'websocket_lost' })).toBeGreaterThanOrEqual(1);
  });
});

describe('GET /metrics: configuration and keys', () => {
  const gateways: TestGateway[] = [];
  afterAll(async () => {
    await Promise.all(gateways.map((gw) => gw.close()));
  });
  const start = async (overrides: Parameters<typeof startTestGateway>[0]) => {
    const gw = await startTestGateway({ comfyui: { url: 'http://127.0.0.1:9' }, ...overrides });
    gateways.push(gw);
    return gw;
  };

  it('is public with API keys configured, like /health, unless auth.protect_health is on', async () => {
    const open = await start({ auth: { api_keys: ['secret-key-1'] } });
    expect((await scrape(open)).status).toBe(200);
    const closed = await start({ auth: { api_keys: ['secret-key-1'], protect_health: true } });
    expect((await scrape(closed)).status).toBe(401);
    expect((await scrape(closed, { 'x-api-key': 'secret-key-1' })).status).toBe(200);
  });

  it('is absent when metrics.enabled is false', async () => {
    const off = await start({ metrics: { enabled: false } });
    expect((await scrape(off)).status).toBe(404);
    expect(off.metrics).toBeUndefined();
  });

  it('keeps two gateways in one process apart (one registry each)', async () => {
    const [a, b] = [gateways[0] as TestGateway, gateways[1] as TestGateway];
    await fetch(`${a.url}/health`);
    const countA = value((await scrape(a)).text, 'http_requests_total', { route: '/health', method: 'GET' });
    const countB = value((await scrape(b, { 'x-api-key': 'secret-key-1' })).text, 'http_requests_total', { route: '/health', method: 'GET' });
    expect(countA).toBe(1);
    expect(countB).toBeUndefined();
  });
});
