// Copies named manifests the repository ships (scenarios/ and the templates they use) into a temp folder, so a
// test exercises exactly those files: whatever else a user keeps in scenarios/ cannot change its outcome.
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The manifests this repository ships, by name: a test of "the shipped scenarios" tests these files. */
export const SHIPPED_SCENARIOS = ['cpu_quickly', 'echo_text', 'invert', 'resize', 'text2img', 'video_clip'];

export interface ShippedCopy {
  folders: { scenarios: string; templates: string };
  remove(): Promise<void>;
}

export async function copyShippedScenarios(names: string[]): Promise<ShippedCopy> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gateway-shipped-'));
  const folders = { scenarios: path.join(dir, 'scenarios'), templates: path.join(dir, 'templates') };
  await mkdir(folders.scenarios);
  await mkdir(folders.templates);
  for (const name of names) {
    const manifest = path.join(repoRoot, 'scenarios', `${name}.yaml`);
    const { workflow } = parse(await readFile(manifest, 'utf8')) as { workflow: string };
    await copyFile(manifest, path.join(folders.scenarios, `${name}.yaml`));
    await copyFile(path.join(repoRoot, 'templates', workflow), path.join(folders.templates, workflow));
  }
  return { folders, remove: () => rm(dir, { recursive: true, force: true }) };
}
