// /api/v1/openapi.json, /docs and /redoc on a live gateway: the document is valid OpenAPI 3.1 and describes the
// mounted routes; both pages, and everything they load, come from this gateway (so they work with no internet).
import { mkdir, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

/** Every src= and href= in a page (the pages are ours and simple: attribute values in double quotes). */
function referencedUrls(html: string): string[] {
  return [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((m) => m[1]!.replaceAll('&#38;', '&'));
}

const expectedType: Record<string, RegExp> = {
  '.js': /^text\/javascript/,
  '.css': /^text\/css/,
  '.png': /^image\/png$/,
};

describe('documentation', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ comfyui: { url: 'http://127.0.0.1:9' } });
  });
  afterAll(async () => gw.close());

  it('serves a valid OpenAPI 3.1 document describing the mounted routes', async () => {
    const response = await fetch(`${gw.url}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const doc = (await response.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    const result = await new Validator().validate(doc);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/']?.get).toBeDefined();
    expect(doc.paths['/api/v1/openapi.json']?.get).toBeDefined();
    expect(Object.keys(doc.paths).length).toBeGreaterThan(5);
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const first = await fetch(`${gw.url}/api/v1/openapi.json`);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^".+"$/);
    // fetch() adds `Cache-Control: no-cache` to a conditional request unless one is given, which forbids a 304.
    const headers = { 'if-none-match': etag!, 'cache-control': 'max-age=0' };
    const again = await fetch(`${gw.url}/api/v1/openapi.json`, { headers });
    expect(again.status).toBe(304);
  });

  for (const page of ['/docs', '/redoc']) {
    it(`${page} is an HTML page whose every reference is served here with the right type`, async () => {
      const response = await fetch(gw.url + page);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).not.toMatch(/https?:/);
      const html = await response.text();
      // No external URL anywhere in the page, inline scripts included.
      expect(html).not.toMatch(/https?:\/\/|\/\/[a-z0-9.-]+\.[a-z]{2,}\//i);
      expect(html).not.toMatch(/googleapis|gstatic|unpkg|jsdelivr|cdnjs/i);
      const urls = referencedUrls(html);
      expect(urls.length).toBeGreaterThan(0);
      expect(html).toContain('/api/v1/openapi.json');
      for (const url of urls) {
        expect(url, 'same-origin absolute path').toMatch(new RegExp(`^${page}/assets/[\\w.-]+\\?v=`));
        const asset = await fetch(gw.url + url);
        expect(asset.status, url).toBe(200);
        const extension = /\.\w+(?=\?)/.exec(url)![0];
        expect(asset.headers.get('content-type'), url).toMatch(expectedType[extension]!);
        expect(asset.headers.get('cache-control')).toContain('max-age=31536000');
        const body = Buffer.from(await asset.arrayBuffer());
        expect(body.length).toBe(Number(asset.headers.get('content-length')));
        expect(body.length).toBeGreaterThan(100);
      }
    });
  }

  it('serves only the allow-listed files: no other package file, no traversal', async () => {
    for (const path of [
      '/docs/assets/index.html',
      '/docs/assets/package.json',
      '/docs/assets/..%2Fpackage.json',
      '/docs/assets/..%2F..%2F..%2Fpackage.json',
      '/redoc/assets/..%2F..%2Fswagger-ui-dist%2Fswagger-ui.css',
    ]) {
      const answer = await fetch(gw.url + path);
      expect([400, 404], path).toContain(answer.status);
      const text = await answer.text();
      expect(text, path).not.toContain('"dependencies"');
    }
    // fetch() normalizes `..` away; a raw request sends it as written.
    for (const path of ['/docs/assets/../../package.json', '/redoc/assets/../../../package.json']) {
      const status = await new Promise<number | undefined>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port: gw.port, path }, (res) => {
          res.resume();
          resolve(res.statusCode);
        }).on('error', reject);
      });
      expect(status, path).toBe(404);
    }
  });
});

describe('documentation follows the scenario registry', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ comfyui: { url: 'http://127.0.0.1:9' } });
  });
  afterAll(async () => gw.close());

  async function paths(): Promise<Record<string, Record<string, { requestBody?: unknown }>>> {
    const response = await fetch(`${gw.url}/api/v1/openapi.json`);
    return ((await response.json()) as { paths: Record<string, Record<string, { requestBody?: unknown }>> }).paths;
  }

  it('shows a scenario added to the scenarios folder, with the schema its validator uses', async () => {
    expect(await paths()).not.toHaveProperty('/api/v1/scenarios/greet');
    const dir = gw.config.folders.scenarios;
    await mkdir(dir, { recursive: true });
    const workflow = {
      '1': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'model.safetensors' } },
      '2': { class_type: 'CLIPTextEncode', inputs: { text: 'hello', clip: ['1', 1] } },
      '3': { class_type: 'KSampler', inputs: { seed: 1, steps: 1, model: ['1', 0], positive: ['2', 0] } },
    };
    await writeFile(path.join(dir, 'greet.json'), JSON.stringify(workflow));
    await writeFile(
      path.join(dir, 'greet.yaml'),
      [
        'summary: Greet',
        'workflow: greet.json',
        'tags: [demo]',
        'fields:',
        '  text: { type: string, minLength: 1, required: true, description: What to say, to: 2.inputs.text }',
        '  seed: { type: integer, minimum: -1, default: -1, random_if: -1, to: 3.inputs.seed }',
        'message: greeting submitted',
      ].join('\n'),
    );
    await gw.registry.load();

    const after = await paths();
    const operation = after['/api/v1/scenarios/greet']?.post;
    const served = gw.registry.current().scenarios.get('greet');
    expect(served, 'the manifest loaded').toBeDefined();
    expect(operation).toBeDefined();
    const media = (operation!.requestBody as { content: Record<string, { schema: unknown; example: unknown }> })
      .content['application/json']!;
    // Same content as the object the validator compiled (it crossed the wire, so equality, not identity).
    expect(media.schema).toEqual(served!.requestSchema);
    expect(media.example).toEqual(served!.example);
    const doc = (await (await fetch(`${gw.url}/api/v1/openapi.json`)).json()) as Record<string, unknown>;
    expect(await new Validator().validate(doc)).toEqual({ valid: true });
  });
});

describe('documentation with API keys required', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ comfyui: { url: 'http://127.0.0.1:9' }, auth: { api_keys: ['docs-test-key-0001'] } });
  });
  afterAll(async () => gw.close());

  it('stays readable without a key and marks the protected operations', async () => {
    for (const page of ['/docs', '/redoc', '/docs/assets/swagger-ui.css', '/redoc/assets/redoc.standalone.js']) {
      expect((await fetch(gw.url + page)).status, page).toBe(200);
    }
    const response = await fetch(`${gw.url}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as {
      security?: unknown;
      paths: Record<string, Record<string, { security?: unknown }>>;
    };
    expect(doc.security).toEqual([{ ApiKey: [] }, { BearerKey: [] }]);
    expect(doc.paths['/api/v1/openapi.json']?.get?.security).toEqual([]);
    expect(doc.paths['/docs/assets/{file}']?.get?.security).toEqual([]);
    const queue = Object.entries(doc.paths).find(([path]) => path.startsWith('/api/v1/queue'));
    expect(queue, 'a queue route is documented').toBeDefined();
    expect(Object.values(queue![1])[0]!.security).toBeUndefined();
    expect(await new Validator().validate(doc as unknown as Record<string, unknown>)).toEqual({ valid: true });
  });
});
