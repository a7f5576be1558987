// npm run sim -- [--instances N] [--port 8188] … (see USAGE in cli-options.ts)
// Starts one or more ComfyUI simulators, prints their URLs, and stops them all cleanly on SIGINT/SIGTERM.
import { USAGE, UsageError, parseCli } from './cli-options.js';
import { startSimulator, type Simulator } from './index.js';

let plan;
try {
  plan = parseCli(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  console.error(`${e.message}\n\n${USAGE}`);
  process.exit(2);
}
if (plan.help) {
  console.log(USAGE);
  process.exit(0);
}

const sims: Simulator[] = [];
const closeAll = (): Promise<PromiseSettledResult<void>[]> => Promise.allSettled(sims.map((s) => s.close()));
try {
  for (const opts of plan.instances) sims.push(await startSimulator(opts));
} catch (e) {
  // A taken port or a bad --remove-nodes/--models value: stop the ones already started, say why, exit.
  await closeAll();
  console.error(`the simulator could not start: ${(e as Error).message}`);
  process.exit(1);
}
for (const [k, sim] of sims.entries()) {
  const o = plan.instances[k];
  const notes = [
    o?.runMs === undefined ? undefined : `run ${o.runMs} ms`,
    o?.removeNodes?.length ? `without ${o.removeNodes.join(', ')}` : undefined,
    ...Object.entries(o?.models ?? {}).map(([input, files]) => `${input}: ${files.join(', ') || '(none)'}`),
  ].filter((n) => n !== undefined);
  const name = sims.length > 1 ? `ComfyUI simulator ${k + 1}` : 'ComfyUI simulator';
  console.log(`${name} listening on ${sim.url} (data: ${sim.dataDir})${notes.length ? `; ${notes.join('; ')}` : ''}`);
}
if (sims.length > 1) console.log(`COMFYUI_URLS=${sims.map((s) => s.url).join(',')}`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  closeAll().then(
    (results) => process.exit(results.some((r) => r.status === 'rejected') ? 1 : 0),
    () => process.exit(1),
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
