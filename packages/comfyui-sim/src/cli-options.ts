// The command line of `npm run sim`: one simulator, or --instances N on consecutive ports, each of which can be
// given its own nodes, model files and speed. A value written `I:value` applies to instance I only (1-based);
// without the prefix it applies to all. Pure: parses argv into start options, throws a UsageError on bad input.
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { SimOptions } from './index.js';

export const USAGE = `usage: npm run sim -- [options]

  --instances N          start N simulators on consecutive ports from --port (default 1)
  --port P               port of the first simulator (default 8188)
  --host H               address to listen on (default 127.0.0.1)
  --data-dir DIR         data folder (input/, output/, temp/); with --instances, DIR/sim-1, DIR/sim-2, …
                         (default: a fresh temp folder per simulator, deleted at exit)
  --step-ms [I:]MS       KSampler time per step (default 5)
  --run-ms [I:]MS        every prompt takes MS, whatever its nodes (default: off, steps decide)
  --remove-nodes [I:]A,B node classes the simulator does not have (absent from /object_info, refused on /prompt)
  --models [I:]INPUT=F,G the files a model input offers, e.g. ckpt_name=sdxl_base.safetensors,dreamshaper_8.safetensors
  --max-upload-mb MB     request size limit (default 100)
  --no-deflate           plain WebSocket frames (no permessage-deflate)
  -h, --help             this text

  I: applies a value to instance I only (1 = the first); --step-ms, --run-ms, --remove-nodes and --models may be
  repeated. Example, three servers, the second without ImageBlur, the third with other checkpoints and slower:
    npm run sim -- --instances 3 --remove-nodes 2:ImageBlur \\
      --models 3:ckpt_name=sdxl_base.safetensors --step-ms 3:50`;

export class UsageError extends Error {}

export interface CliPlan {
  help: boolean;
  instances: SimOptions[];
}

function number(flag: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`--${flag} must be a non-negative number, got "${text}"`);
  return n;
}

/** Splits "I:value" into the instance it names (undefined: all) and the value. */
function target(flag: string, text: string, count: number): [instance: number | undefined, value: string] {
  const m = /^(\d+):(.*)$/s.exec(text);
  if (!m) return [undefined, text];
  const i = Number(m[1]);
  if (i < 1 || i > count) throw new UsageError(`--${flag} ${text}: there is no instance ${i} (instances: 1 to ${count})`);
  return [i, m[2] ?? ''];
}

function list(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

export function parseCli(argv: string[]): CliPlan {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        instances: { type: 'string', default: '1' },
        port: { type: 'string', default: '8188' },
        host: { type: 'string', default: '127.0.0.1' },
        'data-dir': { type: 'string' },
        'step-ms': { type: 'string', multiple: true, default: [] },
        'run-ms': { type: 'string', multiple: true, default: [] },
        'remove-nodes': { type: 'string', multiple: true, default: [] },
        models: { type: 'string', multiple: true, default: [] },
        'max-upload-mb': { type: 'string' },
        'no-deflate': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) return { help: true, instances: [] };

  const count = number('instances', values.instances);
  if (!Number.isInteger(count) || count < 1) throw new UsageError(`--instances must be a whole number from 1, got "${values.instances}"`);
  const port = number('port', values.port);
  if (!Number.isInteger(port) || port + count - 1 > 65535) throw new UsageError(`--port ${values.port}: the ports must lie within 0-65535`);
  if (port === 0 && count > 1) throw new UsageError('--port 0 (any free port) works for one instance only: give a first port');
  const maxMb = values['max-upload-mb'] === undefined ? undefined : number('max-upload-mb', values['max-upload-mb']);
  const dataDir = values['data-dir'];

  const instances: SimOptions[] = Array.from({ length: count }, (_, k) => ({
    port: port === 0 ? 0 : port + k,
    host: values.host,
    ...(dataDir === undefined ? {} : { dataDir: count === 1 ? dataDir : path.join(dataDir, `sim-${k + 1}`) }),
    ...(maxMb === undefined ? {} : { maxUploadSize: Math.round(maxMb * 1024 * 1024) }),
    perMessageDeflate: values['no-deflate'] !== true,
  }));
  /** Applies each occurrence of a flag to its instance or to all, in the order given (a later one wins). */
  const each = (flag: string, texts: string[], apply: (o: SimOptions, value: string) => void): void => {
    for (const text of texts) {
      const [i, value] = target(flag, text, count);
      for (const [k, o] of instances.entries()) if (i === undefined || i === k + 1) apply(o, value);
    }
  };
  each('step-ms', values['step-ms'], (o, v) => (o.stepMs = number('step-ms', v)));
  each('run-ms', values['run-ms'], (o, v) => (o.runMs = number('run-ms', v)));
  each('remove-nodes', values['remove-nodes'], (o, v) => (o.removeNodes = [...(o.removeNodes ?? []), ...list(v)]));
  each('models', values.models, (o, v) => {
    const eq = v.indexOf('=');
    const input = v.slice(0, eq).trim();
    if (eq < 0 || input === '') throw new UsageError(`--models ${v}: write INPUT=file,file (e.g. ckpt_name=sdxl_base.safetensors)`);
    o.models = { ...o.models, [input]: list(v.slice(eq + 1)) };
  });
  return { help: false, instances };
}
