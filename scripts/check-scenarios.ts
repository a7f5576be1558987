// npm run check [-- --comfyui URL] [-- --locale zh-CN|en]: every manifest in scenarios/ checked as the gateway would
// load it, plus against a live ComfyUI's /object_info when one answers: at --comfyui, else COMFYUI_URL, else
// gateway.yaml's comfyui.url. One line per problem (file:line:column), in --locale's language (default: the
// config's `locale`, as the gateway uses); exit 1 on errors, 2 on a bad command line.
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { createComfyClient } from '../src/comfy/client.js';
import { createLogger } from '../src/log.js';
import { createRegistry } from '../src/scenarios/registry.js';
import { translator, type Locale } from '../src/i18n.js';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { comfyui: { type: 'string' }, locale: { type: 'string' } }, allowPositionals: false });
  const config = loadConfig(values.comfyui ? { overrides: { comfyui: { url: values.comfyui } } } : {});
  const locale = localeOption(values.locale) ?? config.locale;
  const t = translator(locale);
  const comfy = createComfyClient({ url: config.comfyui.url, connectTimeoutMs: 1_000, requestTimeoutMs: 5_000 });
  const registry = createRegistry({
    scenariosDir: config.folders.scenarios,
    templatesDir: config.folders.templates,
    limits: { workflowNodes: config.limits.workflow_nodes, workflowDepth: config.limits.workflow_depth },
    log: createLogger({ log: { level: 'silent', pretty: false } }),
    defaultMessage: 'submitted',
    locale,
    objectInfo: () => comfy.objectInfo(),
  });
  try {
    await registry.load();
    const live = await registry.checkAgainstComfy();
    const snapshot = registry.current();
    for (const problem of snapshot.problems) {
      console.log(`${t(problem.severity === 'error' ? 'check.error' : 'check.warning')} ${problem.message}`);
    }
    const statuses = [...snapshot.statuses.values()];
    const failed = statuses.filter((s) => s.state === 'failed').length;
    const warned = statuses.filter((s) => s.state === 'loaded-with-warnings').length;
    const drafts = statuses.filter((s) => s.state === 'draft').length;
    const how = t(live ? 'check.live' : 'check.offline', { address: comfy.address });
    const counts = { total: statuses.length, loaded: statuses.length - failed - drafts, warned, drafts, failed };
    console.log(`\n${t('check.summary', { ...counts, how })}`);
    return failed > 0 ? 1 : 0;
  } finally {
    registry.close();
    await comfy.close();
  }
}

/** `--locale en` or `--locale=en`; anything but a known locale is refused rather than ignored. */
function localeOption(value: string | undefined): Locale | undefined {
  if (value === undefined) return undefined;
  if (value === 'zh-CN' || value === 'en') return value;
  throw new Error(`--locale must be zh-CN or en, not ${JSON.stringify(value)}`);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
