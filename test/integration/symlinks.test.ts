// Symbolic links planted in the output and input folders must not lead out of them: the gateway's download of a
// mirrored copy, and the simulator's /view and /upload/image, serve or write real files inside their folders only.
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleImage } from '../fixtures/images/samples.js';
import { startStack, type Stack } from '../helpers/stack.js';

const SECRET = 'TOP-SECRET-OUTSIDE-BYTES';

describe.skipIf(process.platform === 'win32')('symbolic links out of the folders', () => {
  let stack: Stack;
  let outside: string;

  beforeAll(async () => {
    outside = await mkdtemp(path.join(os.tmpdir(), 'gateway-outside-'));
    await writeFile(path.join(outside, 'secret.png'), SECRET);
    stack = await startStack({ jobs: { mirror_outputs: true } }, { stepMs: 1 });
  });
  afterAll(async () => {
    await stack?.close();
    if (outside) await rm(outside, { recursive: true, force: true });
  });

  it('download does not serve a linked file in output/<prompt_id>/', async () => {
    const promptId = randomUUID();
    const folder = path.join(stack.gw.config.folders.output, promptId);
    await mkdir(folder, { recursive: true });
    await symlink(path.join(outside, 'secret.png'), path.join(folder, 'm.png'));
    const response = await fetch(`${stack.gw.url}/api/v1/images/download?filename=m.png&prompt_id=${promptId}`);
    const text = await response.text();
    expect(text).not.toContain(SECRET);
    expect(response.status).toBe(404);
  });

  it('download does not serve a file reached through a linked prompt folder', async () => {
    const promptId = randomUUID();
    await symlink(outside, path.join(stack.gw.config.folders.output, promptId));
    const response = await fetch(`${stack.gw.url}/api/v1/images/download?filename=secret.png&prompt_id=${promptId}`);
    expect(await response.text()).not.toContain(SECRET);
    expect(response.status).toBe(404);
  });

  it('the simulator\'s /view does not follow a linked file or folder', async () => {
    const output = path.join(stack.sim.dataDir, 'output');
    await mkdir(output, { recursive: true });
    await symlink(path.join(outside, 'secret.png'), path.join(output, 'linked.png'));
    await symlink(outside, path.join(output, 'linked_dir'));
    for (const query of ['filename=linked.png&type=output', 'filename=secret.png&subfolder=linked_dir&type=output']) {
      const response = await fetch(`${stack.sim.url}/view?${query}`);
      const text = await response.text();
      expect(text, query).not.toContain(SECRET);
      expect(response.status, query).toBe(404);
    }
  });

  it('the simulator\'s upload does not write through a linked file or folder', async () => {
    const input = path.join(stack.sim.dataDir, 'input');
    await mkdir(input, { recursive: true });
    await symlink(path.join(outside, 'secret.png'), path.join(input, 'up.png'));
    await symlink(path.join(outside, 'planted.png'), path.join(input, 'dangling.png'));
    await symlink(outside, path.join(input, 'linked_dir'));
    const png = await sampleImage('png');
    for (const [name, subfolder] of [['up.png', ''], ['dangling.png', ''], ['x.png', 'linked_dir']] as const) {
      const form = new FormData();
      form.set('image', new Blob([png]), name);
      form.set('overwrite', 'true');
      if (subfolder) form.set('subfolder', subfolder);
      const response = await fetch(`${stack.sim.url}/upload/image`, { method: 'POST', body: form });
      expect(response.status, `${subfolder}/${name}`).toBe(400);
    }
    expect(await readFile(path.join(outside, 'secret.png'), 'utf8')).toBe(SECRET);
    await expect(readFile(path.join(outside, 'planted.png'))).rejects.toThrow();
    await expect(readFile(path.join(outside, 'x.png'))).rejects.toThrow();
  });
});
