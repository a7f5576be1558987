// What a caller sees when the body itself is wrong: not JSON, too large, or an upload refused before its handler.
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const fixtures = fileURLToPath(new URL('../fixtures/scenarios/', import.meta.url));

describe('body limits and parse errors', () => {
  let gw: TestGateway;
  let scenarios: string;
  beforeAll(async () => {
    // A scenario of our own: its route must refuse a large body in the same words as every other route.
    scenarios = await mkdtemp(path.join(os.tmpdir(), 'gateway-body-limits-'));
    for (const file of ['ok_minimal.yaml', 'tiny.json']) {
      await copyFile(path.join(fixtures, file), path.join(scenarios, file));
    }
    // No ComfyUI is needed: every request here is refused before the handler would call it.
    gw = await startTestGateway({
      comfyui: { url: 'http://127.0.0.1:9' },
      limits: { json_body_bytes: 1024, upload_bytes: 2048 },
      folders: { scenarios, templates: scenarios },
    });
  });
  afterAll(async () => {
    await gw.close();
    await rm(scenarios, { recursive: true, force: true });
  });

  it('malformed JSON is a 400 that says the body is not JSON', async () => {
    const answer = await gw.call('POST', '/api/v1/queue/clear', '{"clear": tru');
    expect(answer.status).toBe(400);
    expect(answer.json.code).toBe(400);
    expect(answer.json.data).toBeNull();
    expect(answer.json.message).toContain('JSON');
  });

  it('a JSON body over limits.json_body_bytes is a 413 naming the limit', async () => {
    // Not workflows/submit: it may carry base64 images and has limits.image_body_bytes instead (image-inputs.test.ts).
    const answer = await gw.call('POST', '/api/v1/workflows/interrupt', { prompt_id: 'x'.repeat(2000) });
    expect(answer.status).toBe(413);
    expect(answer.json).toMatchObject({ code: 413, data: null });
    expect(answer.json.message).toContain('1 KiB');
  });

  it('a scenario body over the limit is refused in the same words as any other route', async () => {
    expect(gw.registry.current().scenarios.has('ok_minimal')).toBe(true);
    const big = { width: 8, note: 'x'.repeat(2000) };
    const scenario = await gw.call('POST', '/api/v1/scenarios/ok_minimal', big);
    const other = await gw.call('POST', '/api/v1/workflows/interrupt', { prompt_id: 'x'.repeat(2000) });
    expect(scenario.status).toBe(413);
    expect(scenario.json).toEqual(other.json);
  });

  it('an upload over limits.upload_bytes is a 413 naming the limit', async () => {
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(4096)]), 'big.png');
    const response = await fetch(`${gw.url}/api/v1/images/upload`, { method: 'POST', body: form });
    const body = (await response.json()) as { code: number; message: string };
    expect(response.status).toBe(413);
    expect(body.code).toBe(413);
    expect(body.message).toContain('2 KiB');
  });

  it('an upload refused by validation leaves nothing in the staging folder', async () => {
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(100)]), 'small.png');
    form.set('overwrite', 'maybe');
    const response = await fetch(`${gw.url}/api/v1/images/upload`, { method: 'POST', body: form });
    expect(response.status).toBe(400);
    const staged = await readdir(path.join(gw.config.folders.input, '.uploading')).catch(() => []);
    expect(staged).toEqual([]);
  });
});
