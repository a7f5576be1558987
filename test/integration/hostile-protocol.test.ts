// Hostile HTTP against the real gateway in front of the simulator, below the level of field values: content
// encodings that do not decode, charsets that are not UTF-8, bytes that are not UTF-8, methods no route takes,
// broken multipart framing and forms past their part limits. The rule: every answer is the envelope, with a 4xx
// that names what to fix, and no staged upload outlives its request.
import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleImage } from '../fixtures/images/samples.js';
import type { TestGateway } from '../helpers/gateway.js';
import { startStack, type Stack } from '../helpers/stack.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: { code: number; message: string; data: unknown } | undefined;
}

/** node:http rather than fetch: fetch refuses TRACE and rewrites some headers. */
function send(gw: TestGateway, method: string, urlPath: string, headers: Record<string, string> = {}, body?: Buffer | string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(gw.url + urlPath, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: Raw['json'];
        try {
          json = JSON.parse(text) as Raw['json'];
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

function expectEnvelope(answer: Raw, status: number, what: string): void {
  expect(answer.status, `${what}: ${answer.body.slice(0, 300)}`).toBe(status);
  expect(answer.json, `${what}: ${answer.body.slice(0, 300)}`).toMatchObject({ code: status, message: expect.any(String), data: status === 200 ? expect.anything() : null });
}

function form(parts: { name: string; filename?: string; data: Buffer | string }[]): { body: Buffer; type: string } {
  const boundary = '----protocol-boundary-41c2';
  const pieces: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename ? `; filename="${part.filename}"` : ''}`;
    const type = part.filename ? 'Content-Type: image/png\r\n' : '';
    pieces.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`), Buffer.from(part.data), Buffer.from('\r\n'));
  }
  pieces.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(pieces), type: `multipart/form-data; boundary=${boundary}` };
}

async function filesIn(dir: string): Promise<string[]> {
  return readdir(dir, { recursive: true }).catch(() => [] as string[]);
}

describe('hostile protocol', () => {
  let stack: Stack;
  let gw: TestGateway;
  let folder: string;
  let png: Buffer;
  const json = { 'content-type': 'application/json' };
  const submitBody = JSON.stringify({ workflow: { '1': { class_type: 'EmptyImage', inputs: {} } } });

  beforeAll(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'gateway-protocol-'));
    await mkdir(path.join(folder, 'scenarios'));
    await mkdir(path.join(folder, 'templates'));
    await copyFile(path.join(root, 'scenarios/invert.yaml'), path.join(folder, 'scenarios/invert.yaml'));
    await copyFile(path.join(root, 'templates/invert.json'), path.join(folder, 'templates/invert.json'));
    stack = await startStack(
      {
        locale: 'en',
        comfyui: { request_timeout_ms: 5_000 },
        folders: { scenarios: path.join(folder, 'scenarios'), templates: path.join(folder, 'templates') },
      },
      { stepMs: 1 },
    );
    gw = stack.gw;
    png = await sampleImage('png');
  });
  afterAll(async () => {
    await stack?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  describe('content encodings', () => {
    const routes = ['/api/v1/workflows/submit', '/api/v1/scenarios/invert?dry_run=true'];

    it.each([
      ['gzip', Buffer.from('x')],
      ['deflate', Buffer.from('x')],
      ['br', Buffer.from('x')],
      ['gzip', gzipSync(Buffer.from(submitBody)).subarray(0, 12)],
    ])('%s that does not decode → 400 naming the encoding', async (encoding, body) => {
      for (const route of routes) {
        const answer = await send(gw, 'POST', route, { ...json, 'content-encoding': encoding }, body);
        expectEnvelope(answer, 400, `${encoding} on ${route}`);
        expect(answer.json?.message).toContain(encoding);
      }
    });

    it('an encoding the gateway does not read → 415, on JSON and multipart routes alike', async () => {
      for (const route of routes) {
        const answer = await send(gw, 'POST', route, { ...json, 'content-encoding': 'compress' }, 'x');
        expectEnvelope(answer, 415, `compress on ${route}`);
        expect(answer.json?.message).toContain('compress');
      }
      const upload = form([{ name: 'file', filename: 'a.png', data: png }]);
      for (const route of ['/api/v1/images/upload', '/api/v1/scenarios/invert?dry_run=true']) {
        const answer = await send(gw, 'POST', route, { 'content-type': upload.type, 'content-encoding': 'gzip' }, gzipSync(upload.body));
        expectEnvelope(answer, 415, `gzip form on ${route}`);
      }
    });

    it('gzip, deflate and br bodies that do decode are read', async () => {
      const body = JSON.stringify({ input_image: 'example.png' });
      for (const [encoding, encoded] of [
        ['gzip', gzipSync(body)],
        ['deflate', deflateSync(body)],
        ['br', brotliCompressSync(body)],
      ] as const) {
        const answer = await send(gw, 'POST', '/api/v1/scenarios/invert?dry_run=true', { ...json, 'content-encoding': encoding }, encoded);
        expectEnvelope(answer, 200, encoding);
      }
    });

    it('a body that inflates past the JSON limit → 413, not a heap full of zeros', async () => {
      const inflated = gw.config.limits.image_body_bytes + 1024 * 1024;
      const bomb = gzipSync(Buffer.concat([Buffer.from('{"a":"'), Buffer.alloc(inflated, 0x61), Buffer.from('"}')]));
      const answer = await send(gw, 'POST', '/api/v1/workflows/submit', { ...json, 'content-encoding': 'gzip' }, bomb);
      expectEnvelope(answer, 413, 'gzip bomb');
    });
  });

  describe('charsets and bytes', () => {
    it.each(['bogus', 'utf-16', 'UTF-16LE', 'iso-8859-1'])('charset=%s → 415', async (charset) => {
      for (const route of ['/api/v1/workflows/submit', '/api/v1/scenarios/invert?dry_run=true']) {
        const answer = await send(gw, 'POST', route, { 'content-type': `application/json; charset=${charset}` }, submitBody);
        expectEnvelope(answer, 415, `charset ${charset} on ${route}`);
        expect(answer.json?.message).toContain(charset);
      }
    });

    it('charset=utf-8 (any spelling) is read', async () => {
      for (const charset of ['utf-8', 'UTF-8', '"utf-8"', 'utf8']) {
        const answer = await send(gw, 'POST', '/api/v1/scenarios/invert?dry_run=true', { 'content-type': `application/json; charset=${charset}` }, JSON.stringify({ input_image: 'example.png' }));
        expectEnvelope(answer, 200, charset);
      }
    });

    it('bytes that are not UTF-8 → 400, never read with replacement characters', async () => {
      const body = Buffer.concat([Buffer.from('{"input_image":"a'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('.png"}')]);
      for (const route of ['/api/v1/workflows/submit', '/api/v1/scenarios/invert?dry_run=true']) {
        const answer = await send(gw, 'POST', route, json, body);
        expectEnvelope(answer, 400, `invalid UTF-8 on ${route}`);
        expect(answer.json?.message).toContain('UTF-8');
      }
    });
  });

  describe('methods', () => {
    it('a GET on a POST-only route → 405 with Allow, in the envelope', async () => {
      const answer = await send(gw, 'GET', '/api/v1/workflows/submit');
      expectEnvelope(answer, 405, 'GET submit');
      expect(answer.headers.allow).toBe('POST, OPTIONS');
      expect(answer.json?.message).toContain('POST');
    });

    it.each(['TRACE', 'PROPFIND', 'SEARCH', 'PATCH', 'MKCOL', 'LOCK'])('%s on a known path → 405 envelope', async (method) => {
      const answer = await send(gw, method, '/api/v1/workflows/submit', json, method === 'TRACE' ? undefined : '{}');
      expectEnvelope(answer, 405, method);
      expect(answer.headers.allow).toBe('POST, OPTIONS');
    });

    it('the scenario route names both its static and its dispatched methods', async () => {
      const answer = await send(gw, 'DELETE', '/api/v1/scenarios/invert');
      expectEnvelope(answer, 405, 'DELETE scenario');
      expect(answer.headers.allow).toBe('GET, HEAD, POST, OPTIONS');
    });

    it('OPTIONS answers the envelope with Allow', async () => {
      const answer = await send(gw, 'OPTIONS', '/api/v1/workflows/submit');
      expectEnvelope(answer, 200, 'OPTIONS');
      expect(answer.headers.allow).toBe('POST, OPTIONS');
      expect(answer.json?.data).toEqual({ allow: ['POST', 'OPTIONS'] });
    });

    it('an unknown method on an unknown path → 404 envelope', async () => {
      const answer = await send(gw, 'PROPFIND', '/nothing-here');
      expectEnvelope(answer, 404, 'PROPFIND /nothing-here');
    });

    it('a request line Node cannot parse still gets an envelope', async () => {
      const text = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(new URL(gw.url).port), '127.0.0.1');
        let got = '';
        socket.on('data', (chunk) => (got += chunk.toString('utf8')));
        socket.on('end', () => resolve(got));
        socket.on('error', reject);
        socket.write('FROB / HTTP/1.1\r\nHost: x\r\n\r\n');
      });
      expect(text).toMatch(/^HTTP\/1\.1 400 /);
      const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as Raw['json'];
      expect(body).toMatchObject({ code: 400, data: null });
    });
  });

  describe('multipart', () => {
    it('broken framing says the form is malformed, not that it is JSON', async () => {
      const whole = form([{ name: 'file', filename: 'a.png', data: png }]);
      const cases: [string, string, Buffer][] = [
        ['truncated', whole.type, whole.body.subarray(0, whole.body.length - 20)],
        ['no boundary', 'multipart/form-data', whole.body],
        ['garbage', whole.type, Buffer.from('this is not a form at all')],
      ];
      for (const route of ['/api/v1/images/upload', '/api/v1/scenarios/invert?dry_run=true']) {
        for (const [name, type, body] of cases) {
          const answer = await send(gw, 'POST', route, { 'content-type': type }, body);
          expect(answer.status, `${name} on ${route}: ${answer.body}`).toBe(400);
          expect(answer.json?.data).toBeNull();
          expect(answer.json?.message, `${name} on ${route}`).not.toMatch(/JSON/);
        }
      }
      expect(await filesIn(path.join(gw.config.folders.input, '.uploading'))).toEqual([]);
      expect(await filesIn(path.join(gw.config.folders.input, '.resolving'))).toEqual([]);
    });

    it('two file parts on the upload route → 400 naming the limit; nothing stays staged', async () => {
      // Small parts: the whole body fits in the socket buffers, so the early answer is read, not reset.
      const big = png;
      const twice = form([
        { name: 'file', filename: 'a.png', data: big },
        { name: 'file', filename: 'b.png', data: big },
      ]);
      const answer = await send(gw, 'POST', '/api/v1/images/upload', { 'content-type': twice.type }, twice.body);
      expectEnvelope(answer, 400, 'two files');
      expect(answer.json?.message).toMatch(/one file part/);
      expect(answer.json?.message).not.toMatch(/too large/i);
      expect(await filesIn(path.join(gw.config.folders.input, '.uploading'))).toEqual([]);
    });

    it('17 file parts on a scenario form → 400 naming the limit; nothing stays staged', async () => {
      const parts = Array.from({ length: 17 }, (_, i) => ({ name: `f${i}`, filename: `f${i}.png`, data: png }));
      const many = form(parts);
      const answer = await send(gw, 'POST', '/api/v1/scenarios/invert?dry_run=true', { 'content-type': many.type }, many.body);
      expectEnvelope(answer, 400, '17 files');
      expect(answer.json?.message).toMatch(/16 file parts/);
      expect(await filesIn(path.join(gw.config.folders.input, '.resolving'))).toEqual([]);
    });

    it('a scenario form refused after parsing leaves nothing staged either', async () => {
      const cases = [
        form([{ name: 'input_image', filename: 'a.png', data: png }, { name: 'input_image', filename: 'b.png', data: png }]),
        form([{ name: 'not_a_field', filename: 'a.png', data: png }]),
        form([{ name: 'input_image', filename: 'a.png', data: png }, { name: 'surprise', data: 'x' }]),
      ];
      for (const [i, body] of cases.entries()) {
        const answer = await send(gw, 'POST', '/api/v1/scenarios/invert?dry_run=true', { 'content-type': body.type }, body.body);
        expectEnvelope(answer, 400, `case ${i}`);
      }
      expect(await filesIn(path.join(gw.config.folders.input, '.resolving'))).toEqual([]);
    });
  });
});
