// `npm run demo`: the simulator and the gateway in one command, so a fresh clone shows the whole product with no
// ComfyUI installed. The simulator takes a free port unless SIM_PORT names one (a real ComfyUI may already use
// 8188); the gateway uses gateway.yaml as usual (PORT, 8000 by default; PORT=0 picks a free one) and is pointed at
// the simulator. Its log is pretty-printed (`npm run demo -- --json-logs` for the JSON lines `npm start` writes).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { ConfigError, loadConfig } from './config.js';
import { startGateway } from './server.js';
import { startSimulator } from 'comfyui-sim';
import path from 'node:path';
import { writeSampleImages } from './demo-samples.js';

/** A start-up failure that is the user's to fix, said in one line. */
class DemoError extends Error {}

function simulatorPort(value: string | undefined): number {
  if (value === undefined || value === '') return 0;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new DemoError(`SIM_PORT = "${value}" must be a port number (0 to 65535; 0 picks a free port)`);
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
  // The simulator's data folder is the demo's own, so it is removed on every way out: a normal stop, a refused
  // port, a bad setting, an uncaught error (only SIGKILL escapes it).
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'comfy-sim-'));
  process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));

  const sim = await startSimulator({ port: simPort, host: '127.0.0.1', dataDir }).catch((error: unknown) => {
    throw explainListenError(error, 'ComfyUI simulator', 'SIM_PORT');
  });
  const samples = await writeSampleImages(path.join(sim.dataDir, 'input'));
  let gateway;
  try {
    // Someone watching a terminal reads the demo's log: pretty lines unless asked for the production JSON.
    const pretty = !process.argv.includes('--json-logs');
    const config = loadConfig({ overrides: { comfyui: { url: sim.url }, log: { pretty } } });
    gateway = await startGateway(config).catch((error: unknown) => {
      throw explainListenError(error, 'gateway', 'PORT');
    });
  } catch (error) {
    await sim.close();
    throw error;
  }
  console.log(`ComfyUI simulator: ${sim.url} (data in ${sim.dataDir}, removed on exit)`);
  console.log(`Gateway:           ${gateway.url}   docs: ${gateway.url}/docs   console: ${gateway.url}/ui`);
  console.log(`Sample inputs in the simulator: ${samples.join(', ')}`);
  console.log(`Check the scenarios against this simulator: npm run check -- --comfyui ${sim.url}`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    Promise.allSettled([gateway.close(), sim.close()]).then(
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
