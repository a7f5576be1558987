// `npm run check` as its users run it: a child process over fixture folders. It checks against the ComfyUI named by
// --comfyui (here a simulator on a free port), the one `npm run demo` tells it to use, and it names the same owner
// of a contested route as the running registry does, at run time and after a restart.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { createRegistry } from '../../src/scenarios/registry.js';
import { startSimulator, type Simulator } from 'comfyui-sim';

const root = fileURLToPath(new URL('../..', import.meta.url));
const workflow = JSON.stringify({
  '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 0 } },
  '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: 'x' } },
});
const manifest = (route: string) =>
  `summary: s\nworkflow: wf.json\nroute: ${route}\nfields:\n  width: { type: integer, default: 8, to: 1.inputs.width }\n`;

function run(script: string, args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root,
    env: { ...process.env, ...env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function check(
  args: string[],
  env: Record<string, string>,
  script = 'scripts/check-scenarios.ts',
  positionals: string[] = [],
): Promise<{ code: number | null; out: string }> {
  const child = run(script, [...positionals, ...args], env);
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out })));
}

// Each check is a fresh TypeScript process: seconds on a busy machine.
describe('npm run check', { timeout: 60_000 }, () => {
  let dir: string;
  let env: Record<string, string>;
  let sim: Simulator;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'check-cli-'));
    await mkdir(path.join(dir, 'scenarios'));
    await mkdir(path.join(dir, 'templates'));
    await writeFile(path.join(dir, 'templates', 'wf.json'), workflow);
    // A node class the simulator lacks: only a check that reached it can warn about it.
    await writeFile(
      path.join(dir, 'templates', 'odd.json'),
      JSON.stringify({ '1': { class_type: 'NoSuchNodeAnywhere', inputs: { value: 1 } } }),
    );
    await writeFile(path.join(dir, 'scenarios', 'odd.yaml'), 'workflow: odd.json\nfields:\n  value: { type: integer, to: 1.inputs.value }\n');
    env = { SCENARIOS_DIR: path.join(dir, 'scenarios'), TEMPLATES_DIR: path.join(dir, 'templates'), GATEWAY_LOCALE: 'en' };
    sim = await startSimulator({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await sim?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('checks against the ComfyUI given with --comfyui', async () => {
    const { code, out } = await check(['--comfyui', sim.url], env);
    expect(out).toContain(`checked against the ComfyUI at ${sim.url}`);
    expect(out).toMatch(/NoSuchNodeAnywhere/);
    expect(code).toBe(0);
  });

  it('new-scenario says what it wrote, and its draft is checked but not served', async () => {
    const source = path.join(dir, 'exported.json');
    await writeFile(source, workflow);
    const { code, out } = await check(['--comfyui', sim.url], env, 'scripts/new-scenario.ts', ['fresh', source]);
    expect(code, out).toBe(0);
    expect(out).toContain(`wrote ${path.join(dir, 'scenarios', 'fresh.yaml')} (a draft`);
    expect(out).toContain(`wrote ${path.join(dir, 'templates', 'fresh.json')} (a copy of ${source}`);
    expect(await readFile(path.join(dir, 'templates', 'fresh.json'), 'utf8')).toBe(workflow);
    try {
      const checked = await check(['--comfyui', sim.url], env);
      expect(checked.out).toContain('1 draft(s) not served');
      expect(checked.out).not.toMatch(/fresh\.yaml.*error/);
    } finally {
      await rm(path.join(dir, 'scenarios', 'fresh.yaml'), { force: true });
      await rm(path.join(dir, 'templates', 'fresh.json'), { force: true });
    }
  });

  it('refuses an unknown option', async () => {
    const { code } = await check(['--comfy', sim.url], env);
    expect(code).toBe(2);
  });

  it('the demo prints the exact check command for its own simulator', async () => {
    const demo = run('src/demo.ts', [], { ...env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        demo.stdout?.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const found = /npm run check -- --comfyui (\S+)/.exec(out);
          if (found) resolve(found[1] as string);
        });
        demo.on('close', (code) => reject(new Error(`the demo ended (${code}) without the line: ${out}`)));
      });
      const { out } = await check(['--comfyui', line], env);
      expect(out).toContain(`checked against the ComfyUI at ${line}`);
    } finally {
      const closed = new Promise((resolve) => demo.on('close', resolve));
      demo.kill('SIGTERM');
      await closed;
    }
  }, 90_000);

  it('names the same owner of a contested route as the registry, at run time and after a restart', async () => {
    const scenarios = path.join(dir, 'scenarios');
    const options = {
      scenariosDir: scenarios,
      templatesDir: path.join(dir, 'templates'),
      limits: { workflowNodes: 100, workflowDepth: 16 },
      log: createLogger({ log: { level: 'silent', pretty: false } }),
      defaultMessage: 'submitted',
      locale: 'en' as const,
    };
    // z.yaml holds the route first; then a.yaml claims it while the gateway runs.
    await writeFile(path.join(scenarios, 'z.yaml'), manifest('shared'));
    const running = createRegistry(options);
    try {
      await running.load();
      expect(running.current().scenarios.get('shared')?.file).toBe('scenarios/z.yaml');
      await writeFile(path.join(scenarios, 'a.yaml'), manifest('shared'));
      const live = await running.update([path.join(scenarios, 'a.yaml')]);
      expect(live.scenarios.get('shared')?.file).toBe('scenarios/a.yaml');
      const loser = live.statuses.get('scenarios/z.yaml')?.errors[0];
      // At the `route:` line (3) of the losing file.
      expect(loser).toMatch(/^scenarios\/z\.yaml:3:1: the route "shared" is already used by scenarios\/a\.yaml/);

      const restarted = createRegistry(options);
      const fresh = await restarted.load();
      restarted.close();
      expect(fresh.scenarios.get('shared')?.file).toBe('scenarios/a.yaml');
      expect(fresh.statuses.get('scenarios/z.yaml')?.errors[0]).toBe(loser);

      // A route taken from the file name is pointed at the start of the file.
      await writeFile(path.join(scenarios, 'shared.yaml'), manifest('shared').replace('route: shared\n', ''));
      const named = await running.update([path.join(scenarios, 'shared.yaml')]);
      expect(named.scenarios.get('shared')?.file).toBe('scenarios/a.yaml');
      expect(named.statuses.get('scenarios/shared.yaml')?.errors[0]).toMatch(/^scenarios\/shared\.yaml:1:1: the route "shared"/);

      const { code, out } = await check(['--comfyui', sim.url], env);
      expect(code).toBe(1);
      expect(out).toContain(`error   ${loser}`);
      expect(out).not.toMatch(/scenarios\/a\.yaml:\d+:\d+: the route/);
    } finally {
      running.close();
      await rm(path.join(scenarios, 'a.yaml'), { force: true });
      await rm(path.join(scenarios, 'shared.yaml'), { force: true });
      await rm(path.join(scenarios, 'z.yaml'), { force: true });
    }
  });
});
