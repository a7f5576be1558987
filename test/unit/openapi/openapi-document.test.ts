// The served document is built once per registry snapshot and follows the registry when it changes.
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import type { RouteSpec } from '../../../src/http/define-route.js';
import { createOpenApiDocument } from '../../../src/openapi/openapi-document.js';
import type { ScenarioDocLike, ScenarioDocSource, ScenarioSnapshotLike } from '../../../src/openapi/scenario-source.js';
import type { ScenarioRegistry } from '../../../src/scenarios/registry.js';

// The real registry must satisfy the interface the document reads: this line stops compiling if they drift apart.
const _registryIsASource = (registry: ScenarioRegistry): ScenarioDocSource => registry;

function scenario(name: string): ScenarioDocLike {
  return {
    name,
    route: `/api/v1/scenarios/${name}`,
    summary: name,
    description: '',
    tags: ['scenarios'],
    requestSchema: { type: 'object', additionalProperties: false, properties: { prompt: { type: 'string' } } },
    example: { prompt: 'x' },
    message: 'submitted',
  };
}

function fakeRegistry() {
  let snapshot: ScenarioSnapshotLike = { version: 1, scenarios: new Map([['a', scenario('a')]]) };
  return {
    current: () => snapshot,
    swap(scenarios: ScenarioDocLike[]) {
      snapshot = { version: snapshot.version + 1, scenarios: new Map(scenarios.map((s) => [s.name, s])) };
    },
  };
}

const specs: RouteSpec[] = [{ method: 'get', path: '/', operationId: 'root', summary: 'root', tags: ['service'] }];

describe('createOpenApiDocument', () => {
  it('builds once per snapshot version and follows a swap', async () => {
    const registry = fakeRegistry();
    let specReads = 0;
    const document = createOpenApiDocument({
      info: { title: 't', version: '1' },
      specs: () => {
        specReads += 1;
        return specs;
      },
      scenarios: registry,
    });
    const first = document.current();
    expect(document.current()).toBe(first);
    expect(specReads).toBe(1);
    expect(Object.keys(JSON.parse(first.json).paths)).toEqual(['/', '/api/v1/scenarios/a']);

    registry.swap([scenario('a'), scenario('b')]);
    const second = document.current();
    expect(second).not.toBe(first);
    expect(second.version).toBe(2);
    expect(second.etag).not.toBe(first.etag);
    const doc = JSON.parse(second.json);
    expect(Object.keys(doc.paths)).toEqual(['/', '/api/v1/scenarios/a', '/api/v1/scenarios/b']);
    expect(await new Validator().validate(doc)).toEqual({ valid: true });
  });

  it('works without a registry', () => {
    const document = createOpenApiDocument({ info: { title: 't', version: '1' }, specs: () => specs });
    expect(document.current().version).toBe(-1);
    expect(JSON.parse(document.current().json).paths).toHaveProperty('/');
  });
});
