// The scenarios this repository ships (scenarios/, templates/) produce a valid OpenAPI 3.1 document: whatever
// keywords the manifests use reach the document through the validator's own schema objects, unchanged.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log.js';
import { buildOpenApi } from '../../../src/openapi/build-openapi.js';
import { createRegistry } from '../../../src/scenarios/registry.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('the shipped scenarios in the document', () => {
  it('all load, and the document built from them is valid OpenAPI 3.1', async () => {
    const registry = createRegistry({
      scenariosDir: path.join(root, 'scenarios'),
      templatesDir: path.join(root, 'templates'),
      limits: { workflowNodes: 2000, workflowDepth: 32 },
      log: createLogger({ log: { level: 'silent', pretty: false } }),
      defaultMessage: 'submitted',
      locale: 'en',
    });
    try {
      const snapshot = await registry.load();
      expect(snapshot.problems.filter((p) => p.severity === 'error')).toEqual([]);
      expect(snapshot.scenarios.size).toBeGreaterThan(0);
      const doc = buildOpenApi({ info: { title: 't', version: '1' }, specs: [], scenarios: snapshot.scenarios });
      for (const scenario of snapshot.scenarios.values()) {
        const media = (doc.paths?.[scenario.route]?.post?.requestBody as { content: Record<string, { schema: unknown }> })
          .content['application/json'];
        expect(media?.schema).toBe(scenario.requestSchema);
      }
      expect(await new Validator().validate(doc as unknown as Record<string, unknown>)).toEqual({ valid: true });
    } finally {
      registry.close();
    }
  });
});
