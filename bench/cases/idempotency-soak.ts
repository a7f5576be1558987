// Idempotency soak: the out-of-memory reproduction, run for a while. LoadImage of a 1400×1400 noise PNG → SaveImage,
// `POST /api/v1/workflows/submit?wait=true&output=base64` with a new Idempotency-Key on every request, 4 at a time,
// for --seconds (300 by default). Each answer carries about 7.5 MB of base64; the idempotency store keeps none of it
// (it keeps the answer without the images and re-reads them on replay), so the gateway's heap stays flat instead of
// growing by every answer. Gateway and simulator run as child processes, so the figures are the gateway's own: RSS
// from /proc, heap from its own GET /metrics, before the load, the highest seen during it, and after it.
//   npm run bench -- idempotency-soak [--seconds 300]
import { randomBytes, randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { round, type BenchCase, type BenchRow } from '../lib.js';
import { rssOf, startGatewayProcess, startSimProcess } from '../child-process.js';

const name = 'idempotency-soak';
const PARALLEL = 4;
const SIDE = 1400;
const SAMPLE_EVERY_MS = 2_000;

const mib = (bytes: number) => round(bytes / 2 ** 20, 1);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function option(flag: string, fallback: number): number {
  const index = process.argv.indexOf(flag);
  const value = index >= 0 ? Number(process.argv[index + 1]) : Number.NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

async function heapUsed(gatewayUrl: string): Promise<number> {
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
  const value = /^nodejs_heap_size_used_bytes (\S+)$/m.exec(text)?.[1];
  if (value === undefined) throw new Error('GET /metrics has no nodejs_heap_size_used_bytes');
  return Number(value);
}

export const idempotencySoak: BenchCase = {
  name,
  description: `${PARALLEL} parallel ?wait=true&output=base64 submits of a ${SIDE}² noise image, a new Idempotency-Key each`,
  async run(): Promise<BenchRow[]> {
    const seconds = option('--seconds', 300);
    const sim = await startSimProcess({ stepMs: 1 });
    const gateway = await startGatewayProcess({ comfyUrl: sim.url, extraYaml: 'log: { access: false }' });
    try {
      const png = await sharp(randomBytes(SIDE * SIDE * 3), { raw: { width: SIDE, height: SIDE, channels: 3 } }).png().toBuffer();
      const form = new FormData();
      form.append('image', new Blob([png], { type: 'image/png' }), 'soak-noise.png');
      const uploaded = await fetch(`${sim.url}/upload/image`, { method: 'POST', body: form });
      if (!uploaded.ok) throw new Error(`upload to the simulator: HTTP ${uploaded.status}`);
      const body = JSON.stringify({
        workflow: {
          '1': { class_type: 'LoadImage', inputs: { image: 'soak-noise.png' } },
          '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: 'soak' } },
        },
      });
      const target = `${gateway.url}/api/v1/workflows/submit?wait=true&output=base64`;
      const submit = async (key: string): Promise<{ status: number; bytes: number; text: string }> => {
        const response = await fetch(target, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'Idempotency-Key': key },
          body,
        });
        const text = await response.text();
        return { status: response.status, bytes: Buffer.byteLength(text), text };
      };

      // One answer first, so start-up allocations are not counted as growth.
      const warm = await submit(randomUUID());
      if (warm.status !== 200) throw new Error(`warm-up answered ${warm.status}: ${warm.text.slice(0, 300)}`);
      const rssBefore = await rssOf(gateway.pid);
      const heapBefore = await heapUsed(gateway.url);

      let requests = 0;
      let failures = 0;
      /** Answers without their image (base64_omitted): the run must not count those as large answers. */
      let withoutImage = 0;
      const failedStatuses = new Map<number, number>();
      let answerBytes = 0;
      let lastKey = '';
      let lastText = '';
      const endAt = Date.now() + seconds * 1000;
      let rssMax = rssBefore;
      let heapMax = heapBefore;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          rssMax = Math.max(rssMax, await rssOf(gateway.pid).catch(() => 0));
          heapMax = Math.max(heapMax, await heapUsed(gateway.url).catch(() => 0));
          await sleep(SAMPLE_EVERY_MS);
        }
      })();
      const worker = async (): Promise<void> => {
        while (Date.now() < endAt) {
          const key = randomUUID();
          const answer = await submit(key).catch(() => ({ status: 0, bytes: 0, text: '' }));
          requests += 1;
          if (answer.status !== 200) {
            failures += 1;
            failedStatuses.set(answer.status, (failedStatuses.get(answer.status) ?? 0) + 1);
          } else if (!answer.text.includes('"base64":"')) {
            withoutImage += 1;
          } else {
            answerBytes += answer.bytes;
            lastKey = key;
            lastText = answer.text;
          }
        }
      };
      await Promise.all(Array.from({ length: PARALLEL }, worker));
      sampling = false;
      await sampler;

      // The last key replayed: the body is rebuilt from ComfyUI's output, images included.
      const replay = await submit(lastKey);
      const replayedSame = replay.status === 200 && replay.text === lastText;
      await sleep(2_000);
      const rssAfter = await rssOf(gateway.pid);
      const heapAfter = await heapUsed(gateway.url);
      const alive = gateway.process.exitCode === null && gateway.process.signalCode === null;

      console.error(
        `  ${requests} requests (${failures} failed ${JSON.stringify([...failedStatuses])}, ${withoutImage} without ` +
          `their image), ${mib(answerBytes)} MiB of answers in ${seconds} s; ` +
          `gateway RSS ${mib(rssBefore)} → max ${mib(rssMax)} → ${mib(rssAfter)} MiB; heap ${mib(heapBefore)} → ` +
          `max ${mib(heapMax)} → ${mib(heapAfter)} MiB; replay of the last key identical: ${replayedSame}`,
      );
      return [
        { case: name, metric: `requests in ${seconds} s (${PARALLEL} parallel)`, value: requests, unit: 'count' },
        { case: name, metric: 'failed requests', value: failures, unit: 'count', target: '0', pass: failures === 0 },
        { case: name, metric: 'answers without their image', value: withoutImage, unit: 'count', target: '0', pass: withoutImage === 0 },
        { case: name, metric: 'answers received (with images)', value: mib(answerBytes), unit: 'MiB' },
        { case: name, metric: 'gateway RSS before', value: mib(rssBefore), unit: 'MiB' },
        { case: name, metric: 'gateway RSS max during', value: mib(rssMax), unit: 'MiB' },
        { case: name, metric: 'gateway RSS after', value: mib(rssAfter), unit: 'MiB' },
        { case: name, metric: 'gateway heap before', value: mib(heapBefore), unit: 'MiB' },
        // During: includes the answers in flight (4 × 7.5 MB, several copies each while serialised).
        { case: name, metric: 'gateway heap max during', value: mib(heapMax), unit: 'MiB' },
        {
          case: name,
          metric: 'gateway heap after',
          value: mib(heapAfter),
          unit: 'MiB',
          // What the store may hold is its default bound (idempotency.max_bytes, 64 MiB) above the heap at rest.
          target: `< ${mib(heapBefore + 64 * 2 ** 20)}`,
          pass: heapAfter < heapBefore + 64 * 2 ** 20,
        },
        { case: name, metric: 'replay of the last key identical', value: replayedSame ? 1 : 0, unit: 'bool', target: '1', pass: replayedSame },
        { case: name, metric: 'gateway still running', value: alive ? 1 : 0, unit: 'bool', target: '1', pass: alive },
      ];
    } finally {
      await gateway.stop();
      await sim.stop();
    }
  },
};
