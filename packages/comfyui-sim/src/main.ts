// npm run sim -- [--port 8188] [--host 127.0.0.1] [--data-dir DIR] [--step-ms 5] [--max-upload-mb 100] [--no-deflate]
// Starts the ComfyUI simulator, prints its URL, and stops cleanly on SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { startSimulator } from './index.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8188' },
    host: { type: 'string', default: '127.0.0.1' },
    'data-dir': { type: 'string' },
    'step-ms': { type: 'string' },
    'max-upload-mb': { type: 'string' },
    'no-deflate': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  console.log('usage: npm run sim -- [--port 8188] [--host 127.0.0.1] [--data-dir DIR] [--step-ms 5] [--max-upload-mb 100] [--no-deflate]');
  process.exit(0);
}

function number(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`--${name} must be a non-negative number, got "${text}"`);
    process.exit(2);
  }
  return n;
}

const maxMb = number('max-upload-mb', values['max-upload-mb']);
const sim = await startSimulator({
  port: number('port', values.port),
  host: values.host,
  dataDir: values['data-dir'],
  stepMs: number('step-ms', values['step-ms']),
  maxUploadSize: maxMb === undefined ? undefined : Math.round(maxMb * 1024 * 1024),
  perMessageDeflate: values['no-deflate'] !== true,
});
console.log(`ComfyUI simulator listening on ${sim.url} (data: ${sim.dataDir})`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  sim.close().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
