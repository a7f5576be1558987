// Scale-out on Redis (issue #13), four parts, each selectable with SCALE_PARTS (all by default, in this order):
//  - latency: what the Redis store adds to a keyed, rate-limited submission over the memory store, 1 and 64
//    connections (bench/scale/latency.ts);
//  - throughput: 1, 2 and 3 gateway processes on one Redis in front of the same simulator pool, the load spread
//    round-robin over them: jobs/s and the ratio to one process (bench/scale/throughput.ts);
//  - events: an upstream event to a caller's WebSocket on another process than the one that submitted the job,
//    p50/p99 (bench/scale/events.ts);
//  - kill: kill -9 of one of two processes during 500 jobs with webhooks: lost, gateway_lost, run twice, webhook
//    deliveries, kill → adoption (bench/scale/kill.ts).
// Redis: BENCH_REDIS_URL, else 127.0.0.1:6379, under a key prefix of each run's own, deleted afterwards.
// `--seconds N` sets the length of each latency and throughput run (default 10).
//
//   npm run bench -- scale                                  (about three minutes)
//   SCALE_PARTS=events,kill npx tsx bench/cases/scale.ts    (some parts; prints the table, leaves latest.json)
import { numberOption, runAlone, type BenchCase, type BenchRow } from '../lib.js';
import { events } from '../scale/events.js';
import { kill } from '../scale/kill.js';
import { latency } from '../scale/latency.js';
import { CASE } from '../scale/shared.js';
import { throughput } from '../scale/throughput.js';

const PARTS: [string, (seconds: number) => Promise<BenchRow[]>][] = [
  ['latency', latency],
  ['throughput', throughput],
  ['events', () => events()],
  ['kill', () => kill()],
];

export const scale: BenchCase = {
  name: CASE,
  description: 'several gateway processes on one Redis: added latency, throughput of 1–3 processes, cross-process events, kill -9',
  async run() {
    const seconds = numberOption('--seconds', 10);
    const wanted = (process.env.SCALE_PARTS ?? PARTS.map(([name]) => name).join(',')).split(',').map((part) => part.trim());
    const unknown = wanted.filter((part) => !PARTS.some(([name]) => name === part));
    if (unknown.length) throw new Error(`SCALE_PARTS: unknown part(s) ${unknown.join(', ')}; known: ${PARTS.map(([name]) => name).join(', ')}`);
    const rows: BenchRow[] = [];
    for (const [name, part] of PARTS) {
      if (!wanted.includes(name)) continue;
      console.error(`  · ${name}`);
      rows.push(...(await part(seconds)));
    }
    return rows;
  },
};

await runAlone(scale, import.meta.url);
