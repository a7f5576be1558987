// `npm run demo`: a pool of two simulators and the gateway in one command, so a fresh clone shows the whole product
// with no ComfyUI installed. The simulators take free ports unless SIM_PORT names the first (the second is SIM_PORT+1;
// a real ComfyUI may already use 8188); the gateway uses gateway.yaml as usual (PORT, 8000 by default; PORT=0 picks
// a free one) and is given the pool as COMFYUI_URLS, the way a deployment names its servers. Its log is
// pretty-printed (`npm run demo -- --json-logs` for the JSON lines `npm start` writes).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { ConfigError, loadConfig } from './config.js';
import { startGateway } from './server.js';
import { startSimulator, type Simulator } from 'comfyui-sim';
import path from 'node:path';
import { SAMPLE_IMAGES, writeSampleImages } from './demo-samples.js';

/** A start-up failure that is the user's to fix, said in one line. */
class DemoError extends Error {}

/** How many simulated ComfyUI servers the demo's pool has. */
const POOL_SIZE = 2;

function simulatorPort(value: string | undefined): number {
  if (value === undefined || value === '') return 0;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65536 - POOL_SIZE) {
    throw new DemoError(
      `SIM_PORT = "${value}" must be a port number (0 to ${65536 - POOL_SIZE}: the simulators use it and the next; 0 picks free ports)`,
    );
  }
  return port;
}

/** `listen EADDRINUSE` → which port, and which variable moves it. */
function explainListenError(error: unknown, who: string, variable: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== 'EADDRINUSE' && code !== 'EACCES') return error;
  const port = (error as { port?: number }).port;
  const what = code === 'EADDRINUSE' ? 'is already in use' : 'may not be opened by this user';
  return new DemoError(
    `port ${port ?? '?'} (the ${who}) ${what}: set ${variable} to another port, or ${variable}=0 for a free one`,
  );
}

async function main(): Promise<void> {
  const simPort = simulatorPort(process.env.SIM_PORT);
  // The simulators' data folders live in one folder of the demo's own, so they are removed on every way out: a
  // normal stop, a refused port, a bad setting, an uncaught error (only SIGKILL escapes it).
  const dataRoot = mkdtempSync(path.join(os.tmpdir(), 'comfy-sim-'));
  process.on('exit', () => rmSync(dataRoot, { recursive: true, force: true }));

  const sims: Simulator[] = [];
  const closeSims = (): Promise<unknown> => Promise.allSettled(sims.map((sim) => sim.close()));
  let gateway;
  try {
    for (let i = 0; i < POOL_SIZE; i++) {
      const port = simPort === 0 ? 0 : simPort + i;
      const dataDir = path.join(dataRoot, `sim-${i + 1}`);
      sims.push(await startSimulator({ port, host: '127.0.0.1', dataDir }).catch((error: unknown) => {
        throw explainListenError(error, `ComfyUI simulator ${i + 1}`, 'SIM_PORT');
      }));
    }
    // Each server holds the sample images, as each ComfyUI of a fleet would hold the files its workflows name.
    for (const sim of sims) await writeSampleImages(path.join(sim.dataDir, 'input'));
    // The demo's own pool, whatever COMFYUI_URLS the shell had. comfyui.url names the first as well, for a
    // gateway that reads only the single URL.
    process.env.COMFYUI_URLS = sims.map((sim) => sim.url).join(',');
    // Someone watching a terminal reads the demo's log: pretty lines unless asked for the production JSON.
    const pretty = !process.argv.includes('--json-logs');
    const config = loadConfig({ overrides: { comfyui: { url: sims[0]?.url }, log: { pretty } } });
    gateway = await startGateway(config).catch((error: unknown) => {
      throw explainListenError(error, 'gateway', 'PORT');
    });
  } catch (error) {
    await closeSims();
    throw error;
  }
  sims.forEach((sim, i) => console.log(`ComfyUI simulator ${i + 1}: ${sim.url} (data in ${sim.dataDir}, removed on exit)`));
  console.log(`Gateway:             ${gateway.url}   docs: ${gateway.url}/docs   console: ${gateway.url}/ui`);
  console.log(`The gateway's pool: COMFYUI_URLS=${process.env.COMFYUI_URLS}`);
  console.log(`Sample inputs in each simulator: ${SAMPLE_IMAGES.join(', ')}`);
  console.log(`Check the scenarios against a simulator: npm run check -- --comfyui ${sims[0]?.url ?? ''}`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    Promise.allSettled([gateway.close(), closeSims()]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', stop);
}

main().catch((error: unknown) => {
  if (error instanceof DemoError || error instanceof ConfigError) console.error(`demo: ${error.message}`);
  else console.error(`demo failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
