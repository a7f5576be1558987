// API keys through the real composition root (startGateway): which routes need a key, every way to present one,
// and the routes that stay public. ComfyUI is a closed port: an answer other than 401/403 means "got past auth".
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSocket, refusedStatus } from '../helpers/ws-client.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startGuardedApp, type GuardedApp } from '../unit/security/guarded-app.js';

const closedComfy = { url: 'http://127.0.0.1:9' };
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const concrete = (specPath: string) => specPath.replace(/\{\w+\}/g, 'x');
const upgrade = (url: string, headers: Record<string, string> = {}) =>
  ({ url, method: 'GET', headers, socket: { remoteAddress: '127.0.0.1' } }) as unknown as IncomingMessage;

async function status(url: string, init: RequestInit = {}): Promise<number> {
  const response = await fetch(url, init);
  // An event stream that was let through never ends by itself: its status is the answer.
  if (response.headers.get('content-type')?.startsWith('text/event-stream')) await response.body?.cancel();
  else await response.arrayBuffer();
  return response.status;
}

describe('no key configured', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ comfyui: closedComfy });
  });
  afterAll(async () => gw.close());

  it('leaves every route open', async () => {
    const api = gw.specs.filter((spec) => spec.path.startsWith('/api/v1/'));
    for (const spec of api) {
      expect([spec.method, spec.path, await status(gw.url + concrete(spec.path), { method: spec.method })]).not.toContain(401);
    }
    expect((await gw.call('GET', '/api/v1/nope')).status).toBe(404);
    expect(await gw.checkUpgrade(upgrade('/api/v1/ws/abc'))).toEqual({ ok: true, mayRunWorkflows: true, submitNeedsSignature: false });
  });
});

describe('API keys', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({
      locale: 'en',
      comfyui: closedComfy,
      auth: {
        api_keys: [
          'plain-key-0001',
          { sha256: sha256('hashed-key-0002'), name: 'hashed' },
          { key: 'limited-key-0003', name: 'limited', scenarios: ['allowed'] },
        ],
      },
    });
  });
  afterAll(async () => gw.close());

  it('answers 401 in the envelope without a key or with a wrong one', async () => {
    const missing = await gw.call('GET', '/api/v1/queue');
    expect(missing.status).toBe(401);
    expect(missing.json).toEqual({ code: 401, message: 'Missing or wrong API key', data: null });
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect((await gw.call('GET', '/api/v1/queue', undefined, { 'x-api-key': 'plain-key-0002' })).status).toBe(401);
    expect((await gw.call('GET', '/api/v1/queue', undefined, { authorization: 'Basic plain-key-0001' })).status).toBe(401);
    // The query parameter is for WebSocket upgrades only.
    expect((await gw.call('GET', '/api/v1/queue?api_key=plain-key-0001')).status).toBe(401);
  });

  it('accepts X-API-Key, Bearer, and a key configured by its SHA-256', async () => {
    const forms: Record<string, string>[] = [
      { 'x-api-key': 'plain-key-0001' },
      { authorization: 'Bearer plain-key-0001' },
      { authorization: 'bearer hashed-key-0002' },
    ];
    for (const headers of forms) {
      const answer = await gw.call('GET', '/api/v1/nope', undefined, headers);
      expect(answer.status).toBe(404);
    }
  });

  it('protects every /api/v1 route the app declares, and lets a key through each', async () => {
    const protectedSpecs = gw.specs.filter(
      (spec) => spec.path.startsWith('/api/v1/') && spec.path !== '/api/v1/openapi.json',
    );
    expect(protectedSpecs.length).toBeGreaterThan(0);
    for (const spec of protectedSpecs) {
      const url = gw.url + concrete(spec.path);
      expect([spec.method, spec.path, await status(url, { method: spec.method })]).toEqual([spec.method, spec.path, 401]);
      const withKey = await status(url, { method: spec.method, headers: { 'x-api-key': 'plain-key-0001' } });
      expect([spec.method, spec.path, withKey]).not.toContain(401);
    }
  });

  it('keeps /, /health and the docs public', async () => {
    for (const page of ['/', '/health', '/docs', '/redoc', '/api/v1/openapi.json']) {
      expect([page, await status(gw.url + page)]).not.toContain(401);
    }
  });

  it('refuses a key limited to some scenarios any other (403), not the ones it lists', async () => {
    const headers = { 'x-api-key': 'limited-key-0003' };
    const other = await gw.call('POST', '/api/v1/scenarios/other', {}, headers);
    expect(other.status).toBe(403);
    expect(other.json).toEqual({ code: 403, message: 'This API key may not run scenario other', data: null });
    expect((await gw.call('POST', '/api/v1/scenarios/allowed', {}, headers)).status).not.toBe(403);
    expect((await gw.call('POST', '/api/v1/scenarios/other', {}, { 'x-api-key': 'plain-key-0001' })).status).not.toBe(403);
  });

  it('does not let a key limited to some scenarios get around its list with raw workflows or a queue wipe', async () => {
    const limited = { 'x-api-key': 'limited-key-0003' };
    for (const path of ['/api/v1/workflows/submit', '/api/v1/queue/clear']) {
      const answer = await gw.call('POST', path, { workflow: {}, clear: true }, limited);
      expect(answer.status).toBe(403);
      expect(answer.json.message).toContain('only run its scenarios');
      const unlimited = await gw.call('POST', path, { workflow: {}, clear: true }, { 'x-api-key': 'plain-key-0001' });
      expect(unlimited.status).not.toBe(403);
    }
    // Reading stays open to it: it must be able to follow its own jobs.
    expect((await gw.call('GET', '/api/v1/queue/status', undefined, limited)).status).not.toBe(403);
  });

  it('a key limited to some scenarios may follow its jobs over the WebSocket but not submit workflows', async () => {
    const wsUrl = gw.url.replace('http', 'ws');
    const limited = await openSocket(`${wsUrl}/api/v1/ws/limited-client?api_key=limited-key-0003`);
    const full = await openSocket(`${wsUrl}/api/v1/ws/full-client?api_key=plain-key-0001`);
    try {
      expect((await limited.next()).type).toBe('connected');
      expect((await full.next()).type).toBe('connected');
      const workflow = { '1': { class_type: 'EmptyImage', inputs: {} } };
      limited.send({ type: 'submit', data: { workflow } });
      expect(await limited.next()).toMatchObject({ type: 'submit_error', data: { code: 403 } });
      // The unlimited key gets past the permission check (and then fails on the closed ComfyUI port).
      full.send({ type: 'submit', data: { workflow } });
      const answer = await full.next();
      expect(answer.type).toBe('submit_error');
      expect(answer.data?.code).not.toBe(403);
    } finally {
      await Promise.all([limited.close(), full.close()]);
    }
  });

  it('checks WebSocket upgrades, with the api_key query parameter too', async () => {
    const refusal = (verdict: Awaited<ReturnType<TestGateway['checkUpgrade']>>) =>
      verdict.ok ? verdict : { ok: false, status: verdict.error.status, message: verdict.error.messageIn('en') };
    expect(refusal(await gw.checkUpgrade(upgrade('/api/v1/ws/abc')))).toEqual({
      ok: false,
      status: 401,
      message: 'Missing or wrong API key',
    });
    expect(refusal(await gw.checkUpgrade(upgrade('/api/v1/ws/abc?api_key=wrong')))).toMatchObject({ ok: false, status: 401 });
    expect(await gw.checkUpgrade(upgrade('/api/v1/ws/abc?api_key=hashed-key-0002'))).toEqual({
      ok: true,
      key: 'hashed',
      admin: false,
      mayRunWorkflows: true,
      submitNeedsSignature: false,
    });
    expect(await gw.checkUpgrade(upgrade('/api/v1/ws/abc?api_key=limited-key-0003'))).toMatchObject({
      ok: true,
      mayRunWorkflows: false,
    });
    expect(await gw.checkUpgrade(upgrade('/api/v1/ws/abc', { 'x-api-key': 'plain-key-0001' }))).toMatchObject({ ok: true });
  });
});

describe('a refused WebSocket upgrade', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    // One request per key, refilled only after a long while: the second one is over the limit.
    gw = await startTestGateway({
      locale: 'en',
      comfyui: closedComfy,
      auth: { api_keys: ['plain-key-0001', 'other-key-0002'] },
      limits: { requests_per_second: 0.001, burst: 1 },
    });
  });
  afterAll(async () => gw.close());

  it('carries the headers the HTTP answer has: WWW-Authenticate on 401, Retry-After on 429', async () => {
    const wsUrl = gw.url.replace('http', 'ws');
    const http401 = await gw.call('GET', '/api/v1/queue/status');
    const ws401 = await refusedStatus(`${wsUrl}/api/v1/ws/c1`);
    expect([ws401.status, ws401.headers['www-authenticate']]).toEqual([401, http401.headers.get('www-authenticate')]);
    expect(JSON.parse(ws401.body)).toEqual(http401.json);

    const first = await openSocket(`${wsUrl}/api/v1/ws/c1?api_key=plain-key-0001`);
    await first.close();
    const ws429 = await refusedStatus(`${wsUrl}/api/v1/ws/c1?api_key=plain-key-0001`);
    expect(ws429.status).toBe(429);
    expect(JSON.parse(ws429.body)).toMatchObject({ code: 429, data: null });
    expect(Number(ws429.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // The same key over HTTP: the same refusal, with the same header.
    const http429 = await gw.call('GET', '/api/v1/queue/status', undefined, { 'x-api-key': 'plain-key-0001' });
    expect(http429.status).toBe(429);
    expect(Number(http429.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(ws429.body)).toEqual(http429.json);
  });
});

describe('protected docs and health', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({
      comfyui: closedComfy,
      auth: { api_keys: ['plain-key-0001'], protect_docs: true, protect_health: true },
    });
  });
  afterAll(async () => gw.close());

  it('asks a key for /, /health and the docs', async () => {
    for (const page of ['/', '/health', '/docs', '/redoc', '/api/v1/openapi.json']) {
      expect([page, await status(gw.url + page)]).toEqual([page, 401]);
    }
    expect(await status(`${gw.url}/api/v1/openapi.json`, { headers: { 'x-api-key': 'plain-key-0001' } })).toBe(200);
  });
});

describe('keys from a file and from API_KEYS', () => {
  const started: GuardedApp[] = [];
  const dirs: string[] = [];
  const makeDir = async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gateway-keys-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(async () => {
    await Promise.all(started.map((app) => app.close()));
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('reads one key per line', async () => {
    const dir = await makeDir();
    await writeFile(path.join(dir, 'keys.txt'), '# one key per line\nfile-key-0001\n\nfile-key-0002\n');
    const fromFile = await startGuardedApp({ auth: { api_keys_file: 'keys.txt' } }, { cwd: dir });
    started.push(fromFile);
    const probe = `${fromFile.url}/api/v1/queue/probe`;
    expect(await status(probe)).toBe(401);
    expect(await status(probe, { headers: { 'x-api-key': 'file-key-0002' } })).toBe(200);
    expect(await status(probe, { headers: { 'x-api-key': '# one key per line' } })).toBe(401);
  });

  it('reads the same YAML list as gateway.yaml', async () => {
    const dir = await makeDir();
    await writeFile(path.join(dir, 'keys.yaml'), `- key: yaml-key-0001\n  name: ops\n- sha256: ${sha256('yaml-key-0002')}\n`);
    const fromYamlFile = await startGuardedApp({ auth: { api_keys_file: 'keys.yaml' } }, { cwd: dir });
    started.push(fromYamlFile);
    const probe = `${fromYamlFile.url}/api/v1/queue/probe`;
    const answer = await fetch(probe, { headers: { authorization: 'Bearer yaml-key-0001' } });
    expect(await answer.json()).toMatchObject({ data: { key: 'ops' } });
    expect(await status(probe, { headers: { 'x-api-key': 'yaml-key-0002' } })).toBe(200);
  });

  it('takes a comma-separated API_KEYS from the environment', async () => {
    const fromEnv = await startGuardedApp({}, { env: { API_KEYS: 'env-key-0001, env-key-0002' } });
    started.push(fromEnv);
    const probe = `${fromEnv.url}/api/v1/queue/probe`;
    expect(await status(probe)).toBe(401);
    expect(await status(probe, { headers: { 'x-api-key': 'env-key-0002' } })).toBe(200);
  });
});
