// How long after ComfyUI finishes a job the gateway's `?wait=true` answer arrives: the simulator's own
// `execution_success` timestamp (from its history entry, same clock) → the moment the HTTP answer is read.
// Covers the upstream WebSocket delivery, the tracker, the waiter, building the document and the HTTP answer.
// 100 sequential jobs after a short warm-up; the simulator's nodes are fast so the figure is the gateway's part.
import { startSimulator } from 'comfyui-sim';
import type { BenchCase, BenchRow } from '../lib.js';
import { round, runAlone, startBenchGateway, summarize } from '../lib.js';

const jobs = 100;
const warmUp = 5;

function workflow(color: number) {
  return {
    '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color } },
    '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: 'bench-wait' } },
  };
}

async function successTimestamp(simUrl: string, promptId: string): Promise<number> {
  const history = (await (await fetch(`${simUrl}/history/${promptId}`)).json()) as Record<
    string,
    { status: { messages: [string, { timestamp?: number }][] } }
  >;
  const message = history[promptId]?.status.messages.find(([type]) => type === 'execution_success');
  if (typeof message?.[1].timestamp !== 'number') throw new Error(`no execution_success in the history of ${promptId}`);
  return message[1].timestamp;
}

export const waitLatency: BenchCase = {
  name: 'wait-latency',
  description: `ComfyUI finishing a job → the ?wait=true answer arriving (${jobs} jobs)`,
  async run() {
    const sim = await startSimulator({ port: 0, stepMs: 1 });
    const gateway = await startBenchGateway({ comfyui: { url: sim.url } });
    const samples: number[] = [];
    try {
      for (let i = 0; i < warmUp + jobs; i++) {
        const response = await fetch(`${gateway.url}/api/v1/workflows/submit?wait=true&timeout=30`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          // A new color each time: a cached re-run would skip the work but not the events.
          body: JSON.stringify({ workflow: workflow(i) }),
        });
        const body = (await response.json()) as { data: { prompt_id: string; status: string } };
        const answeredAt = Date.now();
        if (body.data.status !== 'succeeded') throw new Error(`job ${i} ended ${body.data.status}`);
        const finishedAt = await successTimestamp(sim.url, body.data.prompt_id);
        if (i >= warmUp) samples.push(answeredAt - finishedAt);
      }
    } finally {
      await gateway.close();
      await sim.close();
    }
    const s = summarize(samples);
    const row = (metric: string, value: number): BenchRow => ({ case: 'wait-latency', metric, value: round(value, 1), unit: 'ms' });
    return [row('finish → answer p50', s.p50), row('finish → answer p95', s.p95), row('finish → answer max', s.max)];
  },
};

await runAlone(waitLatency, import.meta.url);
