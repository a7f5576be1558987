// The scenarios this repository ships (scenarios/, templates/) produce a valid OpenAPI 3.1 document: whatever
// keywords the manifests use reach the document through the validator's own schema objects, unchanged.
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log.js';
import { buildOpenApi } from '../../../src/openapi/build-openapi.js';
import { createRegistry } from '../../../src/scenarios/registry.js';
import { SHIPPED_SCENARIOS, copyShippedScenarios } from '../../helpers/shipped-scenarios.js';

describe('the shipped scenarios in the document', () => {
  it('all load, and the document built from them is valid OpenAPI 3.1', async () => {
    // A copy of the shipped files by name: a user's own manifest in scenarios/ is not the repository's.
    const shipped = await copyShippedScenarios(SHIPPED_SCENARIOS);
    const registry = createRegistry({
      scenariosDir: shipped.folders.scenarios,
      templatesDir: shipped.folders.templates,
      limits: { workflowNodes: 2000, workflowDepth: 32 },
      log: createLogger({ log: { level: 'silent', pretty: false } }),
      defaultMessage: 'submitted',
      locale: 'en',
    });
    try {
      const snapshot = await registry.load();
      expect(snapshot.problems.filter((p) => p.severity === 'error')).toEqual([]);
      expect([...snapshot.scenarios.keys()].sort()).toEqual([...SHIPPED_SCENARIOS].sort());
      const doc = buildOpenApi({ info: { title: 't', version: '1' }, specs: [], scenarios: snapshot.scenarios });
      for (const scenario of snapshot.scenarios.values()) {
        const media = (doc.paths?.[scenario.route]?.post?.requestBody as { content: Record<string, { schema: unknown }> })
          .content['application/json'];
        expect(media?.schema).toBe(scenario.requestSchema);
      }
      expect(await new Validator().validate(doc as unknown as Record<string, unknown>)).toEqual({ valid: true });
    } finally {
      registry.close();
      await shipped.remove();
    }
  });
});
