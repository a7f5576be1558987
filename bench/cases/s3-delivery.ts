// Delivering a 100 MB video to an S3-compatible bucket through the gateway vs uploading the same file straight
// from this process with the same library and part size: throughput ratio, and how much the gateway's memory
// grows while it uploads (a gateway that read the file into memory would grow by its size).
//
// The simulator's videos are a few KB, so the job's video is replaced by 100 MB of random bytes (in ComfyUI's
// folder and in the gateway's copy) after a first delivery to a bucket that does not exist yet has failed; the
// bucket is then created and POST /api/v1/jobs/{id}/deliveries/retry delivers the big file. The bucket server is
// s3rver (on disk, in this process), the same for both paths.
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import S3rver from 's3rver';
import { rssOf, sampleRss, startGatewayProcess, startSimProcess } from '../child-process.js';
import { round, runAlone, type BenchCase, type BenchRow } from '../lib.js';

const CASE = 's3-delivery';
const SIZE = 100 * 1024 * 1024;
const MiB = 1024 * 1024;
const PART_MB = 5;

interface FileOutput {
  filename: string;
  subfolder: string;
  deliveries?: { status: string; key: string | null; last_error: string | null }[];
}

async function jobOutputs(gatewayUrl: string, promptId: string): Promise<FileOutput[]> {
  const answer = (await (await fetch(`${gatewayUrl}/api/v1/jobs/${promptId}`)).json()) as { data: { outputs: FileOutput[] } };
  return answer.data.outputs;
}

/** Polls the job until its one delivery leaves `pending` (the bench measures, it does not assert events). */
async function deliveryEnd(gatewayUrl: string, promptId: string): Promise<FileOutput> {
  for (;;) {
    const [output] = await jobOutputs(gatewayUrl, promptId);
    const state = output?.deliveries?.[0]?.status;
    if (output && state && state !== 'pending') return output;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const s3Delivery: BenchCase = {
  name: CASE,
  description: '100 MB video delivered to S3 through the gateway vs a direct upload, and the gateway RSS growth',
  async run() {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-s3-'));
    const s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: path.join(dir, 's3'), configureBuckets: [{ name: 'direct', configs: [] }] });
    const { port } = await s3.run();
    const endpoint = `http://127.0.0.1:${port}`;
    const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    process.env.BENCH_S3_KEY = 'S3RVER';
    const sim = await startSimProcess();
    const rows: BenchRow[] = [];
    try {
      const gateway = await startGatewayProcess({
        comfyUrl: sim.url,
        extraYaml: [
          'outputs:',
          '  sinks:',
          `    bench: { kind: s3, endpoint: "${endpoint}", bucket: later, access_key_id_env: BENCH_S3_KEY, secret_access_key_env: BENCH_S3_KEY }`,
          `  delivery: { max_attempts: 1, part_size_mb: ${PART_MB}, queue_size: 2 }`,
          'jobs: { wait_timeout_max_s: 60 }',
        ].join('\n'),
      });
      try {
        const submitted = await fetch(`${gateway.url}/api/v1/scenarios/video_clip?wait=true&deliver=bench`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ frames: 4 }),
        });
        const job = ((await submitted.json()) as { data: { prompt_id: string } }).data;
        const failed = await deliveryEnd(gateway.url, job.prompt_id);
        if (failed.deliveries?.[0]?.status !== 'failed') throw new Error('the first delivery should fail (no bucket yet)');
        const big = randomBytes(SIZE);
        const file = path.join(dir, 'big.mp4');
        await writeFile(file, big);
        await writeFile(path.join(sim.dataDir, 'output', failed.subfolder, failed.filename), big);
        await writeFile(path.join(gateway.dir, 'output', job.prompt_id, failed.subfolder, failed.filename), big);

        const directStart = performance.now();
        await new Upload({
          client,
          params: { Bucket: 'direct', Key: 'big.mp4', Body: createReadStream(file), ContentType: 'video/mp4' },
          partSize: PART_MB * MiB,
          queueSize: 2,
        }).done();
        const direct = SIZE / MiB / ((performance.now() - directStart) / 1000);

        await client.send(new CreateBucketCommand({ Bucket: 'later' }));
        await new Promise((resolve) => setTimeout(resolve, 500));
        const before = await rssOf(gateway.pid);
        const sampler = sampleRss(gateway.pid);
        const viaStart = performance.now();
        const retry = await fetch(`${gateway.url}/api/v1/jobs/${job.prompt_id}/deliveries/retry`, { method: 'POST' });
        if (retry.status !== 200) throw new Error(`retry: HTTP ${retry.status}`);
        const delivered = await deliveryEnd(gateway.url, job.prompt_id);
        const via = SIZE / MiB / ((performance.now() - viaStart) / 1000);
        const { peak } = await sampler.stop();
        if (delivered.deliveries?.[0]?.status !== 'delivered') throw new Error(`delivery: ${JSON.stringify(delivered.deliveries)}`);
        const growth = (peak - before) / MiB;
        const ratio = via / direct;
        rows.push(
          { case: CASE, metric: 'direct upload (lib-storage, same parts)', value: round(direct, 0), unit: 'MiB/s' },
          { case: CASE, metric: 'delivered through the gateway', value: round(via, 0), unit: 'MiB/s' },
          { case: CASE, metric: 'gateway / direct throughput', value: round(ratio, 3), unit: 'ratio' },
          { case: CASE, metric: 'gateway RSS before', value: round(before / MiB, 1), unit: 'MiB' },
          { case: CASE, metric: 'gateway peak RSS growth while delivering', value: round(growth, 1), unit: 'MiB', target: '< 32', pass: growth < 32 },
        );
      } finally {
        await gateway.stop();
      }
    } finally {
      await sim.stop();
      client.destroy();
      await s3.close();
      await rm(dir, { recursive: true, force: true });
    }
    return rows;
  },
};

await runAlone(s3Delivery, import.meta.url);
