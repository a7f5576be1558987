// npm run check [-- --comfyui URL]: every manifest in scenarios/ checked as the gateway would load it, plus against a
// live ComfyUI's /object_info when one answers: at --comfyui, else COMFYUI_URL, else gateway.yaml's comfyui.url.
// One line per problem (file:line:column); exit 1 on errors, 2 on a bad command line.
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { createComfyClient } from '../src/comfy/client.js';
import { createLogger } from '../src/log.js';
import { createRegistry } from '../src/scenarios/registry.js';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { comfyui: { type: 'string' } }, allowPositionals: false });
  const config = loadConfig(values.comfyui ? { overrides: { comfyui: { url: values.comfyui } } } : {});
  const comfy = createComfyClient({ url: config.comfyui.url, connectTimeoutMs: 1_000, requestTimeoutMs: 5_000 });
  const registry = createRegistry({
    scenariosDir: config.folders.scenarios,
    templatesDir: config.folders.templates,
    limits: { workflowNodes: config.limits.workflow_nodes, workflowDepth: config.limits.workflow_depth },
    log: createLogger({ log: { level: 'silent', pretty: false } }),
    defaultMessage: 'submitted',
    locale: config.locale,
    objectInfo: () => comfy.objectInfo(),
  });
  try {
    await registry.load();
    const live = await registry.checkAgainstComfy();
    const snapshot = registry.current();
    for (const problem of snapshot.problems) {
      console.log(`${problem.severity === 'error' ? 'error  ' : 'warning'} ${problem.message}`);
    }
    const statuses = [...snapshot.statuses.values()];
    const failed = statuses.filter((s) => s.state === 'failed').length;
    const warned = statuses.filter((s) => s.state === 'loaded-with-warnings').length;
    const drafts = statuses.filter((s) => s.state === 'draft').length;
    console.log(
      `\n${statuses.length} manifest(s): ${statuses.length - failed - drafts} loaded (${warned} with warnings), ` +
        `${drafts} draft(s) not served, ${failed} failed; ` +
        (live ? `checked against the ComfyUI at ${comfy.address}` : `no ComfyUI answered at ${comfy.address}, checked offline`),
    );
    return failed > 0 ? 1 : 0;
  } finally {
    registry.close();
    await comfy.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
