// Delivering outputs to a real S3-protocol server (s3rver, started here on a free port): objects land under the
// keys the job lists, a large file goes up in several parts, a bucket that refuses writes leaves the delivery
// `failed` with the reason while the output stays downloadable, and a retry delivers it once the bucket accepts.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from 'comfyui-sim';
import type { JobDocument } from '../../src/jobs/job-document.js';
import type { FileOutput } from '../../src/outputs/typed-output.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const KEYS = { TEST_S3_KEY_ID: 'S3RVER', TEST_S3_SECRET: 'S3RVER' };

describe('output delivery to S3', () => {
  let dir: string;
  let s3: S3rver;
  let endpoint: string;
  let client: S3Client;
  let sim: Simulator;
  let gw: TestGateway;
  const s3Requests: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gateway-s3-'));
    s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: path.join(dir, 's3'), configureBuckets: [{ name: 'results', configs: [] }] });
    // s3rver is a Koa app: a first middleware records each request the bucket server receives.
    (s3 as unknown as { middleware: ((ctx: { method: string; querystring: string; path: string }, next: () => Promise<void>) => Promise<void>)[] }).middleware.unshift(
      async (ctx, next) => {
        s3Requests.push(`${ctx.method} ${ctx.path}?${ctx.querystring}`);
        await next();
      },
    );
    const { port } = await s3.run();
    endpoint = `http://127.0.0.1:${port}`;
    client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    sim = await startSimulator({ port: 0, stepMs: 1 });
    // A scenario whose manifest delivers every job to the archive, as WebP.
    const folders = { scenarios: path.join(dir, 'scenarios'), templates: path.join(dir, 'templates') };
    await mkdir(folders.scenarios);
    await mkdir(folders.templates);
    await writeFile(path.join(folders.templates, 'archived.json'), JSON.stringify({
      '1': { class_type: 'EmptyImage', inputs: { width: 24, height: 16, batch_size: 1, color: 123456 }, _meta: { title: 'Frames' } },
      '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: 'archived' }, _meta: { title: 'Save' } },
    }));
    await writeFile(
      path.join(folders.scenarios, 'archived.yaml'),
      'workflow: archived.json\noutputs:\n  nodes: [Save]\n  kinds: [image]\n  format: webp\n  deliver: [archive]\n',
    );
    const sink = (bucket: string, extra: object = {}) => ({
      kind: 's3' as const,
      endpoint,
      region: 'us-east-1',
      bucket,
      prefix: 'gw/',
      access_key_id_env: 'TEST_S3_KEY_ID',
      secret_access_key_env: 'TEST_S3_SECRET',
      ...extra,
    });
    gw = await startTestGateway(
      {
        locale: 'en',
        comfyui: { url: sim.url },
        folders,
        jobs: { wait_timeout_max_s: 30 },
        outputs: {
          sinks: { archive: sink('results', { presign_expires_s: 600 }), later: sink('later-bucket') },
          delivery: { max_attempts: 2, initial_delay_ms: 5, max_delay_ms: 10, part_size_mb: 5, queue_size: 2 },
        },
      },
      { env: KEYS },
    );
  });
  afterAll(async () => {
    await gw?.close();
    await sim?.close();
    client?.destroy();
    await s3?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const saveWorkflow = (prefix: string, image: object) => ({
    '1': image,
    '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: prefix } },
  });
  const empty = (batch: number) => ({ class_type: 'EmptyImage', inputs: { width: 32, height: 24, batch_size: batch, color: 255 } });

  async function submit(workflow: object, query: string): Promise<JobDocument> {
    const answer = await gw.call('POST', `/api/v1/workflows/submit?wait=true${query}`, { workflow });
    expect(answer.status, JSON.stringify(answer.json)).toBe(200);
    return answer.json.data as JobDocument;
  }
  async function settled(promptId: string): Promise<FileOutput[]> {
    await gw.deliveries.idle();
    const answer = await gw.call('GET', `/api/v1/jobs/${promptId}`);
    return (answer.json.data as JobDocument).outputs as unknown as FileOutput[];
  }
  async function objectBytes(bucket: string, key: string): Promise<Buffer> {
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await object.Body!.transformToByteArray());
  }

  it('puts every output in the bucket under the key the job lists, with a presigned URL that works', async () => {
    const doc = await submit(saveWorkflow('deliver', empty(2)), '&deliver=archive');
    // At the end the deliveries have not run yet: pending, for every output.
    expect(doc.outputs.map((o) => (o as unknown as FileOutput).deliveries?.[0]?.status)).toEqual(['pending', 'pending']);
    const outputs = await settled(doc.prompt_id);
    expect(outputs).toHaveLength(2);
    for (const output of outputs) {
      const delivery = output.deliveries![0]!;
      expect(delivery).toMatchObject({ sink: 'archive', status: 'delivered', attempts: 1, last_error: null, key: `gw/${doc.prompt_id}/${output.filename}` });
      const original = await readFile(path.join(sim.dataDir, 'output', output.filename));
      // The gateway's copy (kept for the delivery) gave the file its size.
      expect(output.size).toBe(original.byteLength);
      expect((await objectBytes('results', delivery.key!)).equals(original)).toBe(true);
      const head = await client.send(new HeadObjectCommand({ Bucket: 'results', Key: delivery.key! }));
      expect(head.ContentType).toBe('image/png');
      const viaUrl = await fetch(delivery.url!);
      expect(viaUrl.status).toBe(200);
      expect(Buffer.from(await viaUrl.arrayBuffer()).equals(original)).toBe(true);
      expect(Date.parse(delivery.expires_at!)).toBeGreaterThan(Date.now());
    }
  });

  it('uploads a file larger than one part in several parts, and a converted output as what its link serves', async () => {
    // Noise does not compress: the saved PNG is well over the 5 MiB part size.
    const noise = await sharp(Buffer.from(Array.from({ length: 1500 * 1400 * 3 }, () => Math.floor(Math.random() * 256))), {
      raw: { width: 1500, height: 1400, channels: 3 },
    }).png({ compressionLevel: 0 }).toBuffer();
    await writeFile(path.join(sim.dataDir, 'input', 'delivery-noise.png'), noise);
    const doc = await submit(saveWorkflow('big', { class_type: 'LoadImage', inputs: { image: 'delivery-noise.png' } }), '&deliver=archive');
    const [output] = await settled(doc.prompt_id);
    const delivery = output!.deliveries![0]!;
    expect(delivery.status).toBe('delivered');
    const original = await readFile(path.join(sim.dataDir, 'output', output!.filename));
    expect(original.byteLength).toBeGreaterThan(5 * 1024 * 1024);
    // Sent as a multipart upload: started, two parts, completed (5 MiB parts).
    const mine = s3Requests.filter((line) => line.includes(encodeURI(delivery.key!)));
    expect(mine.filter((line) => /^POST .*\?uploads=?$/.test(line))).toHaveLength(1);
    expect(mine.filter((line) => /^PUT .*partNumber=/.test(line))).toHaveLength(2);
    expect(mine.filter((line) => /^POST .*uploadId=/.test(line))).toHaveLength(1);
    expect((await objectBytes('results', delivery.key!)).equals(original)).toBe(true);

    const webp = await submit(saveWorkflow('deliver-webp', empty(1)), '&deliver=archive&format=webp');
    const [converted] = await settled(webp.prompt_id);
    expect(converted!.deliveries![0]!.key).toMatch(/\.webp$/);
    const stored = await objectBytes('results', converted!.deliveries![0]!.key!);
    expect(stored.subarray(8, 12).toString('latin1')).toBe('WEBP');
    expect((await client.send(new HeadObjectCommand({ Bucket: 'results', Key: converted!.deliveries![0]!.key! }))).ContentType).toBe('image/webp');
  });

  it('a refusing bucket leaves the delivery failed and the output downloadable; a retry delivers it once it accepts', async () => {
    const doc = await submit(saveWorkflow('refused', empty(1)), '&deliver=later');
    const [failed] = await settled(doc.prompt_id);
    const delivery = failed!.deliveries![0]!;
    expect(delivery).toMatchObject({ sink: 'later', status: 'failed', attempts: 2 });
    expect(delivery.last_error).toMatch(/NoSuchBucket/);
    // The gateway's copy is still served.
    const original = await readFile(path.join(sim.dataDir, 'output', failed!.filename));
    await rm(path.join(sim.dataDir, 'output', failed!.filename));
    const download = await fetch(failed!.url);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(original)).toBe(true);

    await client.send(new CreateBucketCommand({ Bucket: 'later-bucket' }));
    const retry = await gw.call('POST', `/api/v1/jobs/${doc.prompt_id}/deliveries/retry`);
    expect(retry.status).toBe(200);
    expect(retry.json.data).toEqual({ prompt_id: doc.prompt_id, retried: 1 });
    const [delivered] = await settled(doc.prompt_id);
    expect(delivered!.deliveries![0]).toMatchObject({ status: 'delivered', attempts: 3, last_error: null });
    expect((await objectBytes('later-bucket', delivery.key!)).equals(original)).toBe(true);
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'later-bucket' }));
    expect(listed.KeyCount).toBe(1);
    // Nothing failed any more: a second retry starts nothing.
    expect((await gw.call('POST', `/api/v1/jobs/${doc.prompt_id}/deliveries/retry`)).json.data).toEqual({ prompt_id: doc.prompt_id, retried: 0 });
  });

  it('a manifest with outputs.deliver puts every job\'s objects in the bucket, converted as it says', async () => {
    const answer = await gw.call('POST', '/api/v1/scenarios/archived?wait=true', {});
    expect(answer.status, JSON.stringify(answer.json)).toBe(200);
    const doc = answer.json.data as JobDocument;
    const [output] = await settled(doc.prompt_id);
    expect(output).toMatchObject({ kind: 'image', mime: 'image/webp' });
    const delivery = output!.deliveries![0]!;
    expect(delivery).toMatchObject({ sink: 'archive', status: 'delivered' });
    expect(delivery.key).toBe(`gw/${doc.prompt_id}/${output!.filename.replace(/\.png$/, '.webp')}`);
    const stored = await objectBytes('results', delivery.key!);
    expect((await sharp(stored).metadata()).format).toBe('webp');
  });

  it('refuses an unknown sink before anything is queued, naming the configured ones', async () => {
    const answer = await gw.call('POST', '/api/v1/workflows/submit?deliver=nowhere', { workflow: saveWorkflow('nowhere', empty(1)) });
    expect(answer.status).toBe(400);
    expect(answer.json.message).toContain('No output sink named nowhere is configured (outputs.sinks); configured: archive, later');
    expect((await gw.call('POST', '/api/v1/jobs/00000000-0000-4000-8000-000000000000/deliveries/retry')).status).toBe(404);
  });
});
