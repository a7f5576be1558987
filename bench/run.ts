// `npm run bench [case ...]`: runs each benchmark case (all by default), prints one table and writes
// bench/results/latest.json with the rows and the machine they ran on.
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VALUE_OPTIONS, type BenchCase, type BenchRow } from './lib.js';
import { scenarioReload } from './cases/scenario-reload.js';
import { upstreamDown } from './cases/upstream-down.js';
import { loadProof } from './cases/load-proof.js';
import { submitOverhead } from './cases/submit-overhead.js';
import { streaming } from './cases/streaming.js';
import { footprint } from './cases/footprint.js';
import { fanout } from './cases/fanout.js';
import { waitLatency } from './cases/wait-latency.js';
import { dispatchCost } from './cases/dispatch-cost.js';
import { idempotencySoak } from './cases/idempotency-soak.js';
import { pool } from './cases/pool.js';
import { scale } from './cases/scale.js';
import { s3Delivery } from './cases/s3-delivery.js';
import { cpuPerJob } from './cases/cpu-per-job.js';

const cases: BenchCase[] = [
  upstreamDown, scenarioReload, submitOverhead, waitLatency, streaming, loadProof, footprint, fanout, dispatchCost, idempotencySoak, pool, scale, s3Delivery, cpuPerJob,
];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const wanted = args.filter(
    (arg, i) => !arg.startsWith('-') && !(VALUE_OPTIONS as readonly string[]).includes(args[i - 1] ?? ''),
  );
  const unknown = wanted.filter((name) => !cases.some((c) => c.name === name));
  if (unknown.length) {
    console.error(`unknown case(s): ${unknown.join(', ')}; known: ${cases.map((c) => c.name).join(', ')}`);
    process.exit(2);
  }
  const selected = wanted.length ? cases.filter((c) => wanted.includes(c.name)) : cases;
  const rows: BenchRow[] = [];
  for (const benchCase of selected) {
    console.error(`▶ ${benchCase.name}: ${benchCase.description}`);
    rows.push(...(await benchCase.run()));
  }
  console.table(rows.map((r) => ({ ...r, pass: r.pass === undefined ? '' : r.pass ? 'yes' : 'NO' })));
  const machine = {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memory_gib: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
  await mkdir(dir, { recursive: true });
  await writeFile(
    path.join(dir, 'latest.json'),
    JSON.stringify({ date: new Date().toISOString(), machine, rows }, null, 2) + '\n',
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
