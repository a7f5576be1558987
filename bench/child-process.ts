// The simulator and the gateway as child processes, so that the load generator, ComfyUI and the gateway each have
// their own event loop (in one process they would queue behind each other and the ratios would mean nothing), and
// so that the gateway's memory and start-up are its own. Both run from source through tsx, exactly as `npm run dev`.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsxLoader = import.meta.resolve('tsx');

export interface Child {
  process: ChildProcess;
  pid: number;
  stop(): Promise<void>;
}

/** Spawns `node --import tsx <entry>` (plain `node` for .js) and resolves once a stdout line satisfies `ready`. */
export async function spawnUntil<T>(
  entry: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; nodeArgs?: string[]; timeoutMs?: number },
  ready: (line: string) => T | undefined,
): Promise<{ child: Child; value: T; spawnedAt: number; readyAt: number }> {
  const spawnedAt = performance.now();
  const loader = entry.endsWith('.js') ? [] : ['--import', tsxLoader];
  const proc = spawn(process.execPath, [...(options.nodeArgs ?? []), ...loader, entry, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const seen: string[] = [];
  proc.stderr.on('data', (chunk: Buffer) => seen.push(chunk.toString()));
  const stop = async (): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const { value, readyAt } = await new Promise<{ value: T; readyAt: number }>((resolve, reject) => {
      const lines = createInterface({ input: proc.stdout });
      const timer = setTimeout(() => reject(new Error(`${entry} not ready after ${options.timeoutMs ?? 30_000} ms`)), options.timeoutMs ?? 30_000);
      lines.on('line', (line) => {
        seen.push(line);
        const value = ready(line);
        if (value === undefined) return;
        const readyAt = performance.now();
        clearTimeout(timer);
        // From here on the output (one access-log line per request) is drained and dropped, never parsed.
        // readline's close() pauses the stream, and a 'data' listener does not undo an explicit pause: without
        // resume() the pipe fills, the child blocks on its next log line, and SIGTERM ends in SIGKILL (so
        // --cpu-prof never writes its profile).
        lines.close();
        proc.stdout.on('data', () => undefined);
        proc.stdout.resume();
        resolve({ value, readyAt });
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${entry} exited with ${code}:\n${seen.join('\n').slice(-2000)}`));
      });
    });
    return { child: { process: proc, pid: proc.pid as number, stop }, value, spawnedAt, readyAt };
  } catch (error) {
    await stop();
    throw error;
  }
}

export interface SimChild extends Child {
  url: string;
  dataDir: string;
}

/** `npm run sim` on a free port, with its data folder in a fresh temp directory (removed by stop()). */
export async function startSimProcess(options: { stepMs?: number; runMs?: number; args?: string[] } = {}): Promise<SimChild> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'bench-sim-'));
  const args = ['--port', '0', '--data-dir', dataDir, '--max-upload-mb', '200', ...(options.args ?? [])];
  if (options.stepMs !== undefined) args.push('--step-ms', String(options.stepMs));
  if (options.runMs !== undefined) args.push('--run-ms', String(options.runMs));
  const { child, value: url } = await spawnUntil(path.join(repoRoot, 'packages/comfyui-sim/src/main.ts'), args, {}, (line) =>
    /listening on (http:\/\/\S+)/.exec(line)?.[1],
  );
  return {
    ...child,
    url,
    dataDir,
    async stop() {
      await child.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface GatewayChild extends Child {
  url: string;
  dir: string;
  /** Spawn → the "gateway listening" log line, ms. */
  startMs: number;
}

export interface GatewayChildOptions {
  comfyUrl: string;
  /** A pool: written as comfyui.backends (comfyUrl stays comfyui.url, the pool's first for a single-URL gateway). */
  comfyUrls?: string[];
  /** Slots of each backend of comfyUrls (comfyui.backends[].slots); absent: the gateway's default. */
  slots?: number;
  /** More keys of the comfyui section, e.g. { ws_compression: false }. */
  comfyExtra?: Record<string, string | number | boolean>;
  /** Extra YAML appended to the generated gateway.yaml (top-level sections not already written). */
  extraYaml?: string;
  /** Scenario manifests and templates to copy in: file name → text. Default: the shipped ones. */
  scenarios?: Map<string, string>;
  templates?: Map<string, string>;
  /** e.g. --cpu-prof; the child's cwd is the repository. */
  nodeArgs?: string[];
  /** Another entry point than src/main.ts, e.g. an older copy of src/ inside the repository for a before/after. */
  entry?: string;
  /** Run dist/src/main.js (`npm run build` first) instead of the TypeScript through tsx. */
  built?: boolean;
}

/** `src/main.ts` with a generated gateway.yaml (log level info, as shipped) in a temp folder. */
export async function startGatewayProcess(options: GatewayChildOptions): Promise<GatewayChild> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-gateway-'));
  await mkdir(path.join(dir, 'scenarios'));
  await mkdir(path.join(dir, 'templates'));
  const scenarios = options.scenarios ?? (await shipped('scenarios', '.yaml'));
  const templates = options.templates ?? (await shipped('templates', '.json'));
  for (const [name, text] of scenarios) await writeFile(path.join(dir, 'scenarios', name), text);
  for (const [name, text] of templates) await writeFile(path.join(dir, 'templates', name), text);
  const comfyExtra = Object.entries(options.comfyExtra ?? {})
    .map(([key, value]) => `, ${key}: ${JSON.stringify(value)}`)
    .join('');
  const config = [
    'server: { host: 127.0.0.1, port: 0 }',
    options.comfyUrls
      ? `comfyui: { url: "${options.comfyUrl}", backends: [${options.comfyUrls.map((url) => `{ url: "${url}"${options.slots ? `, slots: ${options.slots}` : ''} }`).join(', ')}]${comfyExtra} }`
      : `comfyui: { url: "${options.comfyUrl}"${comfyExtra} }`,
    'scenarios: { watch: false }',
    options.extraYaml ?? '',
    // For experiments: e.g. BENCH_GATEWAY_YAML='log: { access: false }' npm run bench -- submit-overhead
    process.env.BENCH_GATEWAY_YAML ?? '',
  ].join('\n');
  await writeFile(path.join(dir, 'gateway.yaml'), config);
  try {
    const { child, value: url, spawnedAt, readyAt } = await spawnUntil(
      options.entry ?? path.join(repoRoot, options.built ? 'dist/src/main.js' : 'src/main.ts'),
      [],
      // REDIS_URL of the shell would turn a memory-store gateway into a Redis one: the generated config decides.
      { env: { GATEWAY_CONFIG: path.join(dir, 'gateway.yaml'), DEBUG: '', REDIS_URL: '' }, ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}) },
      (line) => {
        if (!line.includes('gateway listening')) return undefined;
        return (JSON.parse(line) as { url: string }).url;
      },
    );
    return {
      ...child,
      url,
      dir,
      startMs: readyAt - spawnedAt,
      async stop() {
        await child.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function shipped(folder: string, ext: string): Promise<Map<string, string>> {
  const { readdir } = await import('node:fs/promises');
  const files = (await readdir(path.join(repoRoot, folder))).filter((name) => name.endsWith(ext));
  return new Map(await Promise.all(files.map(async (name) => [name, await readFile(path.join(repoRoot, folder, name), 'utf8')] as const)));
}

/** Resident set size of another process, bytes (Linux /proc; `ps` elsewhere). */
export async function rssOf(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    if (kb) return Number(kb) * 1024;
  } catch {
    // not Linux: fall through to ps
  }
  const { execFileSync } = await import('node:child_process');
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)]).toString().trim()) * 1024;
}

/** Samples a process's RSS every `everyMs` until stopped; returns the peak seen. */
export function sampleRss(pid: number, everyMs = 20): { stop(): Promise<{ peak: number; first: number }> } {
  let peak = 0;
  let first = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const rss = await rssOf(pid).catch(() => 0);
      if (!first) first = rss;
      peak = Math.max(peak, rss);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { peak, first };
    },
  };
}

/**
 * CPU time another process has used so far, ms, summed over its threads (main, GC helpers, libuv pool, the loader's
 * worker): /proc/<pid>/task/<tid>/schedstat counts nanoseconds. /proc/<pid>/stat counts clock ticks (10 ms), too
 * coarse for a few seconds of idle; it is the fallback. CPU time barely moves with the load of other processes.
 */
export async function cpuMsOf(pid: number): Promise<number> {
  const { readdir } = await import('node:fs/promises');
  try {
    let ns = 0;
    for (const tid of await readdir(`/proc/${pid}/task`)) {
      const text = await readFile(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').catch(() => '0');
      ns += Number(text.split(' ')[0]);
    }
    return ns / 1e6;
  } catch {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  }
}

/** sysconf(_SC_CLK_TCK): 100 on every Linux that Node supports. */
const CLOCK_TICKS = 100;

/** Events sent before a gateway's own upstream socket is open would be nobody's: waits for its comfyui_up metric. */
export async function upstreamConnected(url: string): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (!/^comfyui_up 1$/m.test(await (await fetch(`${url}/metrics`)).text())) {
    if (performance.now() > deadline) throw new Error('the gateway never connected to the simulator');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
