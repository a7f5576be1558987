// `npm run demo`: the simulator and the gateway in one command, so a fresh clone shows the whole product with no
// ComfyUI installed. The simulator takes a free port (a real ComfyUI may already use 8188); the gateway uses
// gateway.yaml as usual (port 8000 by default) and is pointed at the simulator. Its log is pretty-printed
// (`npm run demo -- --json-logs` for the JSON lines `npm start` writes).
import { ConfigError, loadConfig } from './config.js';
import { startGateway } from './server.js';
import { startSimulator } from 'comfyui-sim';
import path from 'node:path';
import { writeSampleImages } from './demo-samples.js';

async function main(): Promise<void> {
  const sim = await startSimulator({ port: 0, host: '127.0.0.1' });
  const samples = await writeSampleImages(path.join(sim.dataDir, 'input'));
  let config;
  try {
    // Someone watching a terminal reads the demo's log: pretty lines unless asked for the production JSON.
    const pretty = !process.argv.includes('--json-logs');
    config = loadConfig({ overrides: { comfyui: { url: sim.url }, log: { pretty } } });
  } catch (error) {
    await sim.close();
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const gateway = await startGateway(config);
  console.log(`ComfyUI simulator: ${sim.url} (data in ${sim.dataDir})`);
  console.log(`Gateway:           ${gateway.url}   docs: ${gateway.url}/docs`);
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
}

main().catch((error: unknown) => {
  console.error(`demo failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
