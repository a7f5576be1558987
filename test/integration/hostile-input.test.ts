// Hostile input against the real gateway in front of the simulator: traversal in every spelling on the three image
// routes, prototype-pollution keys on every JSON route, absurd nesting and sizes, broken encodings, wrong content
// types and absurd query strings. The rule everywhere: a 4xx envelope (or a normal answer), never a 500, never a
// file outside its folder, and Object.prototype untouched.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPathProblem } from '../../src/images/image-ref.js';
import type { Simulator } from 'comfyui-sim';
import { sampleImage } from '../fixtures/images/samples.js';
import { badImageTypes, traversalCorpus } from '../fixtures/traversal.js';
import type { TestGateway } from '../helpers/gateway.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { SHIPPED_SCENARIOS, copyShippedScenarios, type ShippedCopy } from '../helpers/shipped-scenarios.js';


interface Raw {
  status: number;
  body: string;
  json?: { code: number; message: string; data: unknown };
}

async function send(gw: TestGateway, method: string, urlPath: string, body?: string | Uint8Array, type?: string): Promise<Raw> {
  const headers: Record<string, string> = type ? { 'content-type': type } : {};
  const response = await fetch(gw.url + urlPath, { method, headers, body });
  const text = await response.text();
  let json: Raw['json'];
  try {
    json = JSON.parse(text) as Raw['json'];
  } catch {
    json = undefined;
  }
  return { status: response.status, body: text, json };
}

/** A 4xx envelope with data: null, the code matching the status as the catalogue says. */
function expectRefused(answer: Raw, whatever: string): void {
  const what = whatever.slice(0, 160);
  expect(answer.status, `${what}: ${answer.body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
  expect(answer.status, `${what}: ${answer.body.slice(0, 200)}`).toBeLessThan(500);
  expect(answer.json, what).toMatchObject({ data: null, message: expect.any(String) });
  const code = answer.json?.code ?? 0;
  expect(catalogueStatus[code], `${what}: code ${code}`).toContain(answer.status);
}

/** HTTP statuses the catalogue (src/errors.ts) allows for each code. */
const catalogueStatus: Record<number, number[]> = {
  400: [400], 401: [401], 403: [403], 404: [404], 413: [413], 429: [429], 1001: [502, 503], 1002: [422], 1003: [400, 500],
};

/** Anything but a server error: a refusal envelope or a success envelope (1001/1002 are ComfyUI's answers). */
function expectNoServerError(answer: Raw, whatever: string): void {
  const what = whatever.slice(0, 160);
  expect(answer.json, `${what}: ${answer.body.slice(0, 200)}`).toBeDefined();
  expect(answer.json?.code, `${what}: ${answer.body.slice(0, 200)}`).not.toBe(500);
  expect(answer.status, what).not.toBe(500);
  if (answer.json?.code !== 200) expect(answer.json?.data, what).toBeNull();
}

/** multipart/form-data written by hand, so the file name goes out byte for byte (FormData would escape it). */
function multipart(filename: string, data: Buffer): { body: Buffer; type: string } {
  const boundary = '----hostile-boundary-7f3a';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
      'Content-Type: image/png\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { body: Buffer.concat([head, data, tail]), type: `multipart/form-data; boundary=${boundary}` };
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('hostile input', () => {
  let stack: Stack;
  let sim: Simulator;
  let gw: TestGateway;
  const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

  let shipped: ShippedCopy;
  beforeAll(async () => {
    shipped = await copyShippedScenarios(SHIPPED_SCENARIOS);
    stack = await startStack(
      {
        comfyui: { request_timeout_ms: 5_000 },
        folders: shipped.folders,
      },
      { stepMs: 1 },
    );
    ({ sim, gw } = stack);
  });
  afterAll(async () => {
    await stack?.close();
    await shipped?.remove();
  });

  describe('traversal corpus', () => {
    it.each(traversalCorpus.map((c) => [c.name, c] as const))('%s: download and url refuse it with 400', async (_name, entry) => {
      const asFile = `filename=${encodeURIComponent(entry.value)}`;
      const asFolder = `filename=x.png&subfolder=${encodeURIComponent(entry.value)}`;
      for (const route of ['/api/v1/images/download', '/api/v1/images/url']) {
        const queries = entry.asSubfolder ? [asFile, asFolder] : [asFile];
        for (const query of queries) {
          const answer = await send(gw, 'GET', `${route}?${query}`);
          expectRefused(answer, `${route}?${query}`);
          // 400 from the gateway's own check: a 404 would mean the reference went to ComfyUI.
          expect(answer.status, `${route}?${query}`).toBe(400);
        }
      }
    });

    it.each(badImageTypes.map((t) => [JSON.stringify(t), t] as const))('img_type %s → 400', async (_name, type) => {
      for (const route of ['/api/v1/images/download', '/api/v1/images/url']) {
        const answer = await send(gw, 'GET', `${route}?filename=x.png&img_type=${encodeURIComponent(type)}`);
        expectRefused(answer, `${route} img_type`);
        expect(answer.status).toBe(400);
      }
    });

    it('upload: a hostile file name is made safe (or refused), and the file lands in the input folder only', async () => {
      const png = await sampleImage('png');
      const before = new Set([...(await listFiles(sim.dataDir)), ...(await listFiles(gw.dir))]);
      const stored: string[] = [];
      for (const entry of traversalCorpus) {
        const { body, type } = multipart(entry.value, png);
        const answer = await send(gw, 'POST', '/api/v1/images/upload', body, type);
        expectNoServerError(answer, `upload ${entry.name}`);
        if (answer.json?.code !== 200) {
          expectRefused(answer, `upload ${entry.name}`);
          continue;
        }
        const data = answer.json.data as { filename: string; name: string; local_path: string };
        for (const name of [data.filename, data.name]) {
          expect(findPathProblem(name, ''), `upload ${entry.name} → ${JSON.stringify(name)}`).toBeUndefined();
          expect(path.basename(name)).toBe(name);
        }
        expect(path.dirname(data.local_path)).toBe(gw.config.folders.input);
        stored.push(data.name);
      }
      expect(stored.length).toBeGreaterThan(0);
      // Every new file sits directly in one of the two input folders (ours or ComfyUI's), under a returned name.
      const created = [...(await listFiles(sim.dataDir)), ...(await listFiles(gw.dir))].filter((f) => !before.has(f));
      const inputs = [path.join(sim.dataDir, 'input'), gw.config.folders.input];
      for (const file of created) {
        expect(inputs, file).toContain(path.dirname(file));
        expect(stored, file).toContain(path.basename(file));
      }
    });
  });

  describe('JSON bodies', () => {
    /** Every JSON route: the static ones from gateway.specs, and each loaded scenario (dry run and real). */
    function jsonRoutes(): string[] {
      const routes = gw.specs
        .filter((spec) => spec.body && spec.bodyType !== 'multipart')
        .map((spec) => `${spec.method.toUpperCase()} ${spec.path.replace(/\{\w+\}/g, 'x')}`);
      const scenarios = [...gw.registry.current().scenarios.keys()];
      expect(scenarios.length).toBeGreaterThan(0);
      for (const name of scenarios) routes.push(`POST /api/v1/scenarios/${name}?dry_run=true`, `POST /api/v1/scenarios/${name}`);
      return routes;
    }

    const pollution = [
      '{"__proto__": {"polluted": "yes"}}',
      '{"constructor": {"prototype": {"polluted": "yes"}}}',
      '{"__proto__": {"polluted": "yes"}, "workflow": {"__proto__": {"polluted": "yes"}}}',
      '{"workflow": {"1": {"class_type": "EmptyImage", "inputs": {"__proto__": {"polluted": 1}, "width": 8, "height": 8, "batch_size": 1, "color": 0}}, "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "constructor": {"prototype": {"polluted": 1}}}}}}',
      '{"workflow": {"__proto__": {"class_type": "EmptyImage", "inputs": {}}, "constructor": {"prototype": {"polluted": 1}}}}',
      '{"delete": ["__proto__", "constructor"], "clear": true, "__proto__": {"polluted": true}}',
      '{"prompt_id": "__proto__", "constructor": {"prototype": {"polluted": 1}}}',
      '{"input_image": "example.png", "prompt": "x", "__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}}',
      '[{"__proto__": {"polluted": 1}}]',
    ];

    it('__proto__ and constructor.prototype keys on every JSON route pollute nothing and never give a 500', async () => {
      for (const route of jsonRoutes()) {
        const [method, urlPath] = route.split(' ') as [string, string];
        for (const body of pollution) {
          expectNoServerError(await send(gw, method, urlPath, body, 'application/json'), `${route} ${body}`);
        }
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
    });

    it('10 000 levels of nesting and huge arrays are refused with a 4xx, and the gateway keeps serving', async () => {
      const deepArray = `{"workflow": {"1": {"class_type": "EmptyImage", "inputs": {"a": ${'['.repeat(10_000)}${']'.repeat(10_000)}}}}}`;
      const deepObject = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
      const hugeArray = `{"delete": [${Array.from({ length: 150_000 }, () => '"x"').join(',')}]}`;
      const overLimit = `{"workflow": {"1": {"class_type": "X", "inputs": {"t": "${'x'.repeat(gw.config.limits.json_body_bytes)}"}}}}`;
      for (const route of jsonRoutes()) {
        const [method, urlPath] = route.split(' ') as [string, string];
        for (const [name, body] of Object.entries({ deepArray, deepObject, hugeArray, overLimit })) {
          expectRefused(await send(gw, method, urlPath, body, 'application/json'), `${route} ${name}`);
        }
      }
      expect((await send(gw, 'GET', '/')).status).toBe(200);
    });

    it('invalid UTF-8 and wrong content types get a 4xx envelope', async () => {
      const invalidUtf8 = Buffer.concat([Buffer.from('{"workflow": {"1": "'), Buffer.from([0xff, 0xfe, 0xc0, 0xaf]), Buffer.from('"}}')]);
      const cases: [string, string | Uint8Array, string | undefined][] = [
        ['invalid UTF-8', invalidUtf8, 'application/json'],
        ['unknown charset', '{"workflow": {}}', 'application/json; charset=x-klingon'],
        ['UTF-16 claimed', '{"workflow": {}}', 'application/json; charset=utf-16'],
        ['text/plain', '{"workflow": {}}', 'text/plain'],
        ['XML', '<workflow/>', 'application/xml'],
        ['multipart to a JSON route', multipart('x.png', Buffer.from('x')).body, multipart('x.png', Buffer.from('x')).type],
        ['form without JSON inside', 'a=1&b=2', 'application/x-www-form-urlencoded'],
        ['not JSON at all', 'workflow please', 'application/json'],
        ['JSON scalar', '42', 'application/json'],
        ['empty JSON body', '', 'application/json'],
        ['BOM then JSON', '\ufeff{"clear": true}', 'application/json'],
      ];
      for (const route of jsonRoutes()) {
        const [method, urlPath] = route.split(' ') as [string, string];
        for (const [name, body, type] of cases) {
          expectNoServerError(await send(gw, method, urlPath, body, type), `${route} ${name}`);
        }
      }
      // The upload route, sent JSON or nothing.
      expectRefused(await send(gw, 'POST', '/api/v1/images/upload', '{"file": "x"}', 'application/json'), 'upload JSON');
      expectRefused(await send(gw, 'POST', '/api/v1/images/upload', 'x', 'multipart/form-data'), 'upload without boundary');
    });
  });

  describe('absurd query strings and paths', () => {
    it('repeated, bracketed, enormous-count and badly encoded parameters never give a 500', async () => {
      // More keys than querystring's maxKeys (1000), still under Node's 16 KiB header limit.
      const many = Array.from({ length: 1_200 }, (_, i) => `k${i}=1`).join('&');
      const queries = [
        'filename=a.png&filename=b.png',
        'filename[]=a.png',
        'filename[$ne]=x',
        '__proto__[polluted]=1&filename=a.png',
        'constructor[prototype][polluted]=1&filename=a.png',
        `filename=a.png&${many}`,
        'filename=%ff%fe.png',
        'filename=%E0%A4%A',
        'filename=%',
        'filename=a.png&img_type=output&img_type=input',
        '&&&==&=',
      ];
      for (const route of ['/api/v1/images/url', '/api/v1/images/download', '/api/v1/queue/status', '/api/v1/scenarios', '/health']) {
        for (const query of queries) expectNoServerError(await send(gw, 'GET', `${route}?${query}`), `${route}?${query}`);
      }
      for (const urlPath of ['/api/v1/scenarios/%ff', '/api/v1/scenarios/%E0%A4%A', '/api/v1/workflows/%/history', '/api/v1/scenarios/..%2f..%2fetc']) {
        expectNoServerError(await send(gw, 'GET', urlPath), `GET ${urlPath}`);
        expectNoServerError(await send(gw, 'POST', urlPath, '{}', 'application/json'), `POST ${urlPath}`);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('prompt ids named like Object.prototype members are unknown prompts (404), not Object.prototype itself', async () => {
      for (const id of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
        for (const urlPath of [`/api/v1/jobs/${id}`, `/api/v1/jobs/${id}/events`, `/api/v1/workflows/${id}/history`]) {
          const answer = await send(gw, 'GET', urlPath);
          expect([urlPath, answer.status, answer.json?.code]).toEqual([urlPath, 404, 404]);
        }
      }
    });

    it('a query string longer than Node accepts is refused before routing with a 400 envelope, not a 500', async () => {
      const answer = await send(gw, 'GET', `/api/v1/images/url?filename=${'a'.repeat(70_000)}`);
      expectRefused(answer, 'long query');
      expect(answer.status).toBe(400);
      expect((await send(gw, 'GET', '/')).status).toBe(200);
    });
  });
});
