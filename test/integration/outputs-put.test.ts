// Delivering outputs with an HTTP PUT to URLs the caller gives (`?put_url=`), to a real HTTP server started here
// on a free port: the bytes, type and length arrive, a failing receiver is retried until it accepts, and the
// address rules of image URLs and webhooks apply (loopback refused unless gateway.yaml allows it).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from 'comfyui-sim';
import type { JobDocument } from '../../src/jobs/job-document.js';
import type { FileOutput } from '../../src/outputs/typed-output.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

interface Received {
  path: string;
  type: string | undefined;
  length: string | undefined;
  body: Buffer;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('output delivery by HTTP PUT', () => {
  let sim: Simulator;
  let gw: TestGateway;
  let strict: TestGateway;
  let receiver: Server;
  let base: string;
  const received: Received[] = [];
  /** Paths that answer 503 this many more times before they accept. */
  const failures = new Map<string, number>();

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      void readBody(req).then((body) => {
        const path = req.url ?? '';
        const left = failures.get(path.split('?')[0]!) ?? 0;
        if (left > 0) {
          failures.set(path.split('?')[0]!, left - 1);
          res.writeHead(503).end('busy');
          return;
        }
        received.push({ path, type: req.headers['content-type'], length: req.headers['content-length'], body });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    sim = await startSimulator({ port: 0, stepMs: 1 });
    const settings = { max_attempts: 3, initial_delay_ms: 5, max_delay_ms: 10 };
    gw = await startTestGateway({
      locale: 'en',
      comfyui: { url: sim.url },
      outputs: { put: { enabled: true, allow_hosts: ['127.0.0.1'] }, delivery: settings },
      webhooks: { secret: `whsec_${Buffer.alloc(24, 7).toString('base64')}`, allow_hosts: ['127.0.0.1'], initial_delay_ms: 1, max_delay_ms: 5 },
    });
    strict = await startTestGateway({ locale: 'en', comfyui: { url: sim.url }, outputs: { put: { enabled: true }, delivery: settings } });
  });
  afterAll(async () => {
    await gw?.close();
    await strict?.close();
    await sim?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  const workflow = (prefix: string, batch: number) => ({
    '1': { class_type: 'EmptyImage', inputs: { width: 16, height: 12, batch_size: batch, color: 65280 } },
    '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: prefix } },
  });
  const putQuery = (...urls: string[]) => urls.map((url) => `&put_url=${encodeURIComponent(url)}`).join('');

  async function settled(on: TestGateway, promptId: string): Promise<FileOutput[]> {
    await on.deliveries.idle();
    return ((await on.call('GET', `/api/v1/jobs/${promptId}`)).json.data as JobDocument).outputs as unknown as FileOutput[];
  }

  it('PUTs the n-th file to the n-th URL with its bytes, type and length; the job shows the URL without its query', async () => {
    const urls = [`${base}/bucket/first.png?X-Amz-Signature=secret1`, `${base}/bucket/second.png?X-Amz-Signature=secret2`];
    const answer = await gw.call('POST', `/api/v1/workflows/submit?wait=true${putQuery(...urls)}`, { workflow: workflow('put', 2) });
    expect(answer.status, JSON.stringify(answer.json)).toBe(200);
    const doc = answer.json.data as JobDocument;
    const outputs = await settled(gw, doc.prompt_id);
    for (const [index, output] of outputs.entries()) {
      expect(output.deliveries).toEqual([
        expect.objectContaining({ sink: 'put_url', status: 'delivered', key: `${base}/bucket/${index === 0 ? 'first' : 'second'}.png`, attempts: 1 }),
      ]);
      const original = await readFile(path.join(sim.dataDir, 'output', output.filename));
      const got = received.find((entry) => entry.path === new URL(urls[index]!).pathname + new URL(urls[index]!).search);
      expect(got?.body.equals(original)).toBe(true);
      expect(got?.type).toBe('image/png');
      expect(got?.length).toBe(String(original.byteLength));
    }
    expect(JSON.stringify(outputs)).not.toContain('secret');
  });

  it('retries a receiver that answers 503 until it accepts', async () => {
    failures.set('/bucket/busy.png', 2);
    const answer = await gw.call('POST', `/api/v1/workflows/submit?wait=true${putQuery(`${base}/bucket/busy.png`)}`, { workflow: workflow('put-busy', 1) });
    const [output] = await settled(gw, (answer.json.data as JobDocument).prompt_id);
    expect(output!.deliveries![0]).toMatchObject({ status: 'delivered', attempts: 3, last_error: null });
    expect(received.filter((entry) => entry.path === '/bucket/busy.png')).toHaveLength(1);
  });

  it('sends a delivering job\'s webhook once its deliveries ended, with their final state', async () => {
    failures.set('/bucket/hooked.png', 1);
    const hook = `${base}/hook/outputs`;
    const answer = await gw.call('POST', `/api/v1/workflows/submit?wait=true${putQuery(`${base}/bucket/hooked.png`)}`, {
      workflow: workflow('put-hook', 1),
      webhook: hook,
    });
    expect(answer.status, JSON.stringify(answer.json)).toBe(200);
    const promptId = (answer.json.data as JobDocument).prompt_id;
    await settled(gw, promptId);
    const payload = await (async () => {
      for (;;) {
        const found = received.find((entry) => entry.path === '/hook/outputs');
        if (found) return JSON.parse(found.body.toString('utf8')) as { type: string; data: JobDocument };
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    expect(payload.type).toBe('job.succeeded');
    const [output] = payload.data.outputs as unknown as FileOutput[];
    expect(output!.deliveries![0]).toMatchObject({ sink: 'put_url', status: 'delivered', attempts: 2 });
  });

  it('refuses loopback: an IP literal at submit time (400), a name that resolves to it when connecting (failed)', async () => {
    const literal = await strict.call('POST', `/api/v1/workflows/submit?wait=false${putQuery(`${base}/x.png`)}`, { workflow: workflow('put-refused', 1) });
    expect(literal.status, JSON.stringify(literal.json)).toBe(400);
    expect(literal.json.message).toContain('allow it with outputs.put.allow_hosts or outputs.put.allow_cidrs');
    const credentials = await strict.call('POST', `/api/v1/workflows/submit?wait=false${putQuery('http://user:pw@example.com/x.png')}`, { workflow: workflow('put-refused', 1) });
    expect(credentials.status).toBe(400);
    expect(credentials.json.message).toContain('user name or password');

    const port = new URL(base).port;
    const answer = await strict.call('POST', `/api/v1/workflows/submit?wait=true${putQuery(`http://localhost:${port}/x.png`)}`, { workflow: workflow('put-named', 1) });
    expect(answer.status).toBe(200);
    const [output] = await settled(strict, (answer.json.data as JobDocument).prompt_id);
    expect(output!.deliveries![0]).toMatchObject({ status: 'failed' });
    expect(output!.deliveries![0]!.last_error).toContain('loopback');
    expect(received.some((entry) => entry.path === '/x.png')).toBe(false);
  });
});
