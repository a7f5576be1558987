// The gateway's entry point: read the config, start, and stop cleanly on SIGINT/SIGTERM.
// A configuration mistake ends the process with one line and no stack trace.
import { ConfigError, configFilePath, loadConfig } from './config.js';
import { startGateway } from './server.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  // gateway.yaml is watched: its backend list is taken over without a restart (src/pool/watch-config.ts).
  const gateway = await startGateway(config, { configSource: { file: configFilePath(), load: () => loadConfig() } });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    gateway.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), config.server.shutdown_timeout_ms + 1000);
    force.unref();
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        gateway.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`gateway failed to start: ${message}\n`);
  process.exit(1);
});
