// `npm run sim`: the flags parsed into start options, and --instances run for real as a child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError, parseCli } from '../src/cli-options.js';
import { request } from './harness.js';

describe('parseCli', () => {
  it('gives one simulator on 8188 by default', () => {
    expect(parseCli([])).toEqual({ help: false, instances: [{ port: 8188, host: '127.0.0.1', perMessageDeflate: true }] });
  });

  it('spreads --instances over consecutive ports and data folders, with values for all or for one', () => {
    const plan = parseCli([
      '--instances', '3', '--port', '9000', '--data-dir', 'sims', '--step-ms', '20', '--step-ms', '3:50', '--run-ms', '2:200',
      '--remove-nodes', '2:ImageBlur, ImageInvert', '--remove-nodes', 'SaveLatent',
      '--models', '3:ckpt_name=sdxl_base.safetensors,dreamshaper_8.safetensors', '--models', '1:ckpt_name=',
    ]);
    expect(plan.instances.map((o) => o.port)).toEqual([9000, 9001, 9002]);
    expect(plan.instances.map((o) => o.dataDir)).toEqual(['sim-1', 'sim-2', 'sim-3'].map((d) => path.join('sims', d)));
    expect(plan.instances.map((o) => o.stepMs)).toEqual([20, 20, 50]);
    expect(plan.instances.map((o) => o.runMs)).toEqual([undefined, 200, undefined]);
    expect(plan.instances.map((o) => o.removeNodes)).toEqual([['SaveLatent'], ['ImageBlur', 'ImageInvert', 'SaveLatent'], ['SaveLatent']]);
    expect(plan.instances.map((o) => o.models)).toEqual([
      { ckpt_name: [] }, undefined, { ckpt_name: ['sdxl_base.safetensors', 'dreamshaper_8.safetensors'] },
    ]);
  });

  it.each([
    [['--instances', '0'], /--instances must be a whole number from 1/],
    [['--instances', '2', '--port', '0'], /works for one instance only/],
    [['--instances', '2', '--run-ms', '3:100'], /there is no instance 3 \(instances: 1 to 2\)/],
    [['--step-ms', 'fast'], /--step-ms must be a non-negative number, got "fast"/],
    [['--models', 'sdxl.safetensors'], /write INPUT=file,file/],
    [['--port', '65535', '--instances', '2'], /within 0-65535/],
    [['--colour', 'red'], /Unknown option '--colour'/],
  ])('refuses %j with a message that says what to fix', (argv, message) => {
    expect(() => parseCli(argv)).toThrow(UsageError);
    expect(() => parseCli(argv)).toThrow(message);
  });
});

/** Two consecutive ports that nothing listens on (the first from the system, the next checked). */
async function consecutiveFreePorts(): Promise<number> {
  const tryListen = (port: number): Promise<number | null> => new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(null));
    s.listen(port, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === 'object' && addr ? addr.port : null));
    });
  });
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = await tryListen(0);
    if (first !== null && first < 65535 && (await tryListen(first + 1)) !== null) return first;
  }
  throw new Error('no two consecutive free ports');
}

describe('npm run sim -- --instances 2', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child?.exitCode === null) child.kill('SIGKILL');
  });

  it('starts two differing simulators, prints COMFYUI_URLS, and stops both on SIGTERM', async () => {
    const port = await consecutiveFreePorts();
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    child = spawn(process.execPath, [
      '--import', 'tsx', main, '--instances', '2', '--port', String(port),
      '--remove-nodes', '2:ImageBlur', '--models', '1:ckpt_name=sdxl_base.safetensors',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    const urls = `COMFYUI_URLS=http://127.0.0.1:${port},http://127.0.0.1:${port + 1}`;
    await new Promise<void>((resolve, reject) => {
      child?.stdout?.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes(urls)) resolve();
      });
      child?.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
    });

    const first = `http://127.0.0.1:${port}`;
    const second = `http://127.0.0.1:${port + 1}`;
    expect((await request(first, '/models/checkpoints')).json()).toEqual(['sdxl_base.safetensors']);
    expect((await request(second, '/models/checkpoints')).json()).toEqual(['v1-5-pruned-emaonly-fp16.safetensors', 'v1-5-pruned-emaonly.safetensors']);
    expect((await request(first, '/object_info/ImageBlur')).json()).toHaveProperty('ImageBlur');
    expect((await request(second, '/object_info/ImageBlur')).json()).toEqual({});

    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 30_000);
});
