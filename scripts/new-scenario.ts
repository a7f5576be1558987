// npm run new-scenario -- <name> <workflow.json> [--comfyui URL]: a starting manifest for a workflow
// (src/scenarios/scaffold.ts), its fields typed from the node definitions of the ComfyUI at --comfyui (else
// COMFYUI_URL, else gateway.yaml's comfyui.url). The manifest is a draft: listed and checked, not served, until its
// author deletes the `draft: true` line. Prints every file it wrote.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createComfyClient } from '../src/comfy/client.js';
import type { ObjectInfo } from '../src/comfy/types.js';
import { loadConfig } from '../src/config.js';
import { parseWorkflow } from '../src/scenarios/resolve-workflow.js';
import { scaffoldManifest } from '../src/scenarios/scaffold.js';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ options: { comfyui: { type: 'string' } }, allowPositionals: true });
  const [name, source] = positionals;
  if (!name || !source || positionals.length > 2 || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(name)) {
    console.error('usage: npm run new-scenario -- <name> <workflow.json> [--comfyui URL]   (name: letters, digits, _ and -)');
    return 2;
  }
  const config = loadConfig(values.comfyui ? { overrides: { comfyui: { url: values.comfyui } } } : {});
  const manifestFile = path.join(config.folders.scenarios, `${name}.yaml`);
  if (existsSync(manifestFile)) {
    console.error(`${manifestFile} already exists; choose another name or delete it first`);
    return 1;
  }
  const parsed = parseWorkflow(readFileSync(source, 'utf8'), { maxBytes: 8 * 1024 * 1024, maxNodes: 10_000, maxDepth: 64 });
  if (!parsed.ok) {
    console.error(`${source} ${parsed.reason}`);
    return 1;
  }
  const templateName = `${name}.json`;
  const templateFile = path.join(config.folders.templates, templateName);
  const copy = path.resolve(source) !== path.resolve(templateFile);
  if (copy && existsSync(templateFile)) {
    console.error(`${templateFile} already exists; not overwriting it`);
    return 1;
  }

  const comfy = createComfyClient({ url: config.comfyui.url, connectTimeoutMs: 1_000, requestTimeoutMs: 5_000 });
  let info: ObjectInfo | undefined;
  try {
    info = await comfy.objectInfo();
  } catch {
    console.log(`no ComfyUI answered at ${comfy.address}: field types are guessed from the workflow's values`);
  } finally {
    await comfy.close();
  }

  if (copy) copyFileSync(source, templateFile);
  writeFileSync(manifestFile, scaffoldManifest(name, templateName, parsed.workflow, info));
  console.log(`wrote ${manifestFile} (a draft: listed and checked, not served until you delete its "draft: true" line)`);
  console.log(copy ? `wrote ${templateFile} (a copy of ${source}; the manifest uses this copy)` : `uses ${templateFile} as it is`);
  console.log(`next: uncomment the fields callers should set, list the output nodes, then: npm run check -- --comfyui ${comfy.address}`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  },
);
