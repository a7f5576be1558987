// The scenario registry, loaded before the server listens; a broken manifest is reported, never fatal.
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { ComfyClient } from '../comfy/client.js';
import { translate } from '../i18n.js';
import type { GatewayMetrics } from '../metrics/metrics.js';
import { createRegistry, type ScenarioRegistry } from '../scenarios/registry.js';

export async function loadScenarios(deps: {
  config: Config;
  log: Logger;
  comfy: ComfyClient;
  metrics: GatewayMetrics | undefined;
}): Promise<ScenarioRegistry> {
  const { config, comfy, metrics } = deps;
  const registry = createRegistry({
    scenariosDir: config.folders.scenarios,
    templatesDir: config.folders.templates,
    limits: { workflowNodes: config.limits.workflow_nodes, workflowDepth: config.limits.workflow_depth },
    log: deps.log,
    defaultMessage: translate(config.locale, 'scenario.submitted'),
    locale: config.locale,
    objectInfo: () => comfy.objectInfo(),
    ...(metrics ? { onReloaded: metrics.scenarioReload } : {}),
  });
  await registry.load();
  return registry;
}
