// A real gateway as its own operating-system process (`tsx src/main.ts`), configured by a gateway.yaml written to a
// temp folder: what several replicas behind a load balancer are. Stopped by its PID; its log lines are kept.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { closedPort } from './ports.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface GatewayProcess {
  url: string;
  pid: number;
  /** Every log line so far (pino JSON). */
  readonly lines: string[];
  stop(): Promise<void>;
}

/** Starts one gateway with `config` (YAML, merged over temp folders, a free port and info-level logs). */
export async function spawnGateway(config: Record<string, unknown>, env: Record<string, string> = {}): Promise<GatewayProcess> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gateway-process-'));
  for (const sub of ['scenarios', 'templates', 'input', 'output']) await mkdir(path.join(dir, sub));
  const port = await closedPort();
  const file = path.join(dir, 'gateway.yaml');
  await writeFile(
    file,
    stringify({
      ...config,
      server: { host: '127.0.0.1', port, ...(config.server as object | undefined) },
      folders: Object.fromEntries(['scenarios', 'templates', 'input', 'output'].map((sub) => [sub, path.join(dir, sub)])),
      scenarios: { watch: false },
      log: { level: 'info', access: false },
    }),
  );
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/main.ts')], {
    // From the repository, where tsx resolves; every path in the config is absolute.
    cwd: root,
    // Only what the test gives: no REDIS_URL or COMFYUI_URL of the machine leaks in.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, GATEWAY_CONFIG: file, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    const parts = output.split('\n');
    output = parts.pop() ?? '';
    lines.push(...parts);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (lines.some((line) => line.includes('"gateway listening"'))) {
        clearInterval(timer);
        resolve();
      } else if (child.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`the gateway exited with ${child.exitCode}:\n${lines.join('\n')}`));
      }
    }, 20);
  });
  return {
    url,
    pid: child.pid!,
    lines,
    async stop() {
      // A process a test killed has a signalCode, not an exitCode.
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(child.pid!, 'SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
