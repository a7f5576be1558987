// The console's files as the gateway serves them at /ui: the page for /ui and every console route below it, hashed
// assets cached for a year, gzip when the browser takes it, ETag revalidation, 404 for a name that was not built,
// and a page saying how to build the console when it was not.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readUiFiles } from '../../src/console/ui-files.js';
import { consoleRoutes } from '../../src/routes/console.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startGuardedApp, type GuardedApp } from '../unit/security/guarded-app.js';

const built = path.resolve(import.meta.dirname, '../../ui/dist');

describe('the console at /ui', () => {
  let gw: TestGateway;
  let script: string;

  beforeAll(async () => {
    script = (await readdir(path.join(built, 'assets'))).find((name) => name.endsWith('.js'))!;
    gw = await startTestGateway({ comfyui: { url: 'http://127.0.0.1:9' }, locale: 'zh-CN' });
  }, 60_000);
  afterAll(async () => gw?.close());

  it('answers the page for /ui and for each console route below it, revalidated, naming the gateway\'s language', async () => {
    for (const page of ['/ui', '/ui/', '/ui/jobs', '/ui/jobs/4f5e0f3a-6c1b-4d2e-9a7b-1f2e3d4c5b6a', '/ui/scenarios/invert']) {
      const response = await request(gw.url + page);
      const text = await response.body.text();
      expect([page, response.statusCode, response.headers['content-type'], response.headers['cache-control']]).toEqual([
        page, 200, 'text/html; charset=utf-8', 'no-cache',
      ]);
      expect(text).toContain('data-gateway-locale="zh-CN"');
      expect(text).toContain(`/ui/assets/${script}`);
      expect(String(response.headers['content-security-policy'])).toContain("script-src 'self'");
    }
    const first = await request(`${gw.url}/ui`);
    await first.body.dump();
    const again = await request(`${gw.url}/ui`, { headers: { 'if-none-match': String(first.headers.etag) } });
    await again.body.dump();
    expect(again.statusCode).toBe(304);
  });

  it('serves hashed assets for a year, gzipped when accepted, and refuses any other name', async () => {
    const plain = await request(`${gw.url}/ui/assets/${script}`);
    const bytes = Buffer.from(await plain.body.arrayBuffer());
    expect([plain.statusCode, plain.headers['content-type'], plain.headers['cache-control']]).toEqual([
      200, 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable',
    ]);
    expect(bytes.equals(await readFile(path.join(built, 'assets', script)))).toBe(true);
    const zipped = await request(`${gw.url}/ui/assets/${script}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(Buffer.from(await zipped.body.arrayBuffer())).equals(bytes)).toBe(true);
    // Not built: 404; not a file name at all (a path): refused by the route's parameter schema.
    for (const [missing, status] of [['/ui/assets/nope.js', 404], ['/ui/a/b/c', 404], ['/ui/assets/..%2Fpackage.json', 400]] as const) {
      const response = await request(gw.url + missing);
      await response.body.dump();
      expect([missing, response.statusCode]).toEqual([missing, status]);
    }
  });
});

describe('the console not built', () => {
  let app: GuardedApp;
  let empty: string;

  beforeAll(async () => {
    empty = await mkdtemp(path.join(os.tmpdir(), 'console-unbuilt-'));
    app = await startGuardedApp({}, { groups: [consoleRoutes({ files: readUiFiles(empty, { locale: 'en' }), authOn: false })] });
  });
  afterAll(async () => {
    await app?.close();
    await rm(empty, { recursive: true, force: true });
  });

  it('says how to build it instead of an empty page', async () => {
    const response = await request(`${app.url}/ui/jobs`);
    expect(response.statusCode).toBe(503);
    expect(await response.body.text()).toContain('npm run build:ui');
  });
});
