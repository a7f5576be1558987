// The envelope and the error catalogue, as a caller sees them over a real socket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

describe('envelope', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ comfyui: { url: 'http://127.0.0.1:9' } });
  });
  afterAll(async () => gw.close());

  it('GET / describes the service in the envelope, its message in the configured locale (zh-CN)', async () => {
    const answer = await gw.call('GET', '/');
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ code: 200, message: '网关运行中', data: { docs: { swagger: '/docs' } } });
    expect(answer.headers.get('x-request-id')).toMatch(/.+/);
  });

  it('refuses ?output=base64 without wait=true and says to add it', async () => {
    const answer = await gw.call('POST', '/api/v1/workflows/submit?output=base64', { workflow: { '1': { class_type: 'EmptyImage', inputs: {} } } });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ code: 400, data: null });
    expect(answer.json.message).toContain('wait=true');
  });

  it('an unknown route is a 404 envelope naming the route', async () => {
    const answer = await gw.call('GET', '/api/v1/nope');
    expect(answer.status).toBe(404);
    expect(answer.json).toEqual({ code: 404, message: '接口不存在: GET /api/v1/nope', data: null });
  });

  it('keeps a sane caller-supplied request id and replaces an unsafe one', async () => {
    const kept = await gw.call('GET', '/', undefined, { 'x-request-id': 'abc-123' });
    expect(kept.headers.get('x-request-id')).toBe('abc-123');
    const replaced = await gw.call('GET', '/', undefined, { 'x-request-id': 'a b<c>' });
    expect(replaced.headers.get('x-request-id')).not.toBe('a b<c>');
  });
});

describe('envelope in English', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ locale: 'en', comfyui: { url: 'http://127.0.0.1:9' } });
  });
  afterAll(async () => gw.close());

  it('speaks English when locale is en', async () => {
    const answer = await gw.call('POST', '/nothing-here');
    expect(answer.json.message).toBe('No such route: POST /nothing-here');
  });
});
