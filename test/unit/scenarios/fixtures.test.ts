// Every manifest in test/fixtures/scenarios is either a valid scenario or exactly one precise error. Adding a
// fixture without adding it to this table fails the last test, so the table stays the full list.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log.js';
import { createRegistry } from '../../../src/scenarios/registry.js';
import type { Snapshot } from '../../../src/scenarios/types.js';

const folder = fileURLToPath(new URL('../../fixtures/scenarios/', import.meta.url));

/** fixture → 'ok', or a fragment of its one error (with `file:line:column` where the error has a place). */
const expected: Record<string, string> = {
  'ok_minimal.yaml': 'ok',
  'ok_by_title.yaml': 'ok',
  'ok_overwrite_link.yaml': 'ok',
  'dup_route_a.yaml': 'ok',
  'dup_route_b.yaml': 'scenarios/dup_route_b.yaml:1:1: the route "shared" is already used by scenarios/dup_route_a.yaml',
  'yaml_syntax.yaml': 'scenarios/yaml_syntax.yaml:5:1: the YAML is not valid: All mapping items must start at the same column',
  'unknown_key.yaml': 'scenarios/unknown_key.yaml:1:1: the manifest has an unknown key "sumary" (did you mean "summary"?)',
  'field_unknown_key.yaml': 'scenarios/field_unknown_key.yaml:5:5: field "seed" has an unknown key "defualt" (did you mean "default"?)',
  'missing_workflow_key.yaml': 'the manifest needs "workflow: <file>.json"',
  'workflow_missing.yaml': 'scenarios/workflow_missing.yaml:1:11: the workflow "nope.json" was not found',
  'ui_format.yaml': "is in ComfyUI's UI format (it has \"nodes\" and \"links\")",
  'bad_json.yaml': 'the workflow scenarios/broken.json is not valid JSON',
  'node_missing.yaml':
    'scenarios/node_missing.yaml:6:9: field "seed" maps to node "66", but the workflow has no node with the id or title "66" (nodes: 1 "Canvas", 2, 3 "Save", 4 "Save")',
  'node_typo.yaml':
    'scenarios/node_typo.yaml:5:9: field "width" maps to node "Canvs", but the workflow has no node with the id or title "Canvs" (did you mean "Canvas"?) (nodes: 1 "Canvas", 2, 3 "Save", 4 "Save")',
  'input_missing.yaml': 'scenarios/input_missing.yaml:5:9: field "seed" maps to input "sed" of node "4" (Save, KSampler), but that node has no input "sed" (did you mean "seed"?)',
  'link_overwrite.yaml': 'which is connected to output 0 of node "1"; add "overwrite_link: true"',
  'enum_default.yaml':
    'scenarios/enum_default.yaml:6:14: field "prefix" has the default "large", which its own rules refuse (must be one of: "tiny", "small")',
  'default_fails.yaml': 'scenarios/default_fails.yaml:6:14: field "steps" has the default 0, which its own rules refuse (must be >= 1)',
  'type_mismatch.yaml': 'field "steps" has type string, but input "steps" of node "4" (Save, KSampler) holds a number (7)',
  'invalid_schema.yaml': 'scenarios/invalid_schema.yaml:3:3: field "steps" is not a valid JSON Schema',
  'alias_bomb.yaml': 'uses YAML aliases (*name) too many times',
  'deep.yaml': 'nested more than 24 levels deep',
  'bad_route_name.yaml': 'scenarios/bad_route_name.yaml:1:8: "route" may only use letters, digits, _ and -',
  'title_ambiguous.yaml': 'several nodes have the title "Save" (3, 4); name the node by its id instead',
  'empty.yaml': 'the manifest is empty',
  'reserved_field.yaml': 'scenarios/reserved_field.yaml:3:3: "client_id" cannot be a field name',
  'bad_to.yaml': '"to" must look like "<node id or title>.inputs.<input name>"',
  'escape_workflow.yaml': 'without ".." or an absolute path',
  'missing_to.yaml': 'field "prefix" needs "to"',
  'output_missing.yaml': 'scenarios/output_missing.yaml:2:11: output "Preview" is not in the workflow',
  'ok_outputs_mirror.yaml': 'ok',
  'outputs_unknown_key.yaml': 'scenarios/outputs_unknown_key.yaml:4:3: "outputs" has an unknown key "mirro" (did you mean "mirror"?)',
  'output_missing_mapping.yaml': 'scenarios/output_missing_mapping.yaml:3:14: output "Preview" is not in the workflow',
  'outputs_without_nodes.yaml': 'outputs needs "nodes"',
};

describe('manifest fixtures', () => {
  let snapshot: Snapshot;
  beforeAll(async () => {
    const registry = createRegistry({
      scenariosDir: folder,
      templatesDir: path.join(folder, 'no-templates'),
      limits: { workflowNodes: 100, workflowDepth: 16 },
      log: createLogger({ log: { level: 'silent', pretty: false } }),
      defaultMessage: 'submitted',
      locale: 'en',
    });
    snapshot = await registry.load();
    registry.close();
  });

  for (const [fixture, want] of Object.entries(expected)) {
    it(`${fixture} → ${want === 'ok' ? 'loads' : 'one precise error'}`, () => {
      const status = snapshot.statuses.get(`scenarios/${fixture}`);
      expect(status, `no status for ${fixture}`).toBeDefined();
      if (want === 'ok') {
        expect(status?.errors).toEqual([]);
        expect(status?.state).toBe('loaded');
      } else {
        expect(status?.state).toBe('failed');
        expect(status?.errors).toHaveLength(1);
        expect(status?.errors[0]).toContain(want);
      }
    });
  }

  it('lists every fixture in the table', () => {
    const manifests = readdirSync(folder).filter((name) => name.endsWith('.yaml')).sort();
    expect(manifests).toEqual(Object.keys(expected).sort());
  });

  it('serves only the valid ones, the first claimant keeping a shared route', () => {
    expect([...snapshot.scenarios.keys()].sort()).toEqual([
      'ok_by_title', 'ok_minimal', 'ok_outputs_mirror', 'ok_overwrite_link', 'shared',
    ]);
    expect(snapshot.scenarios.get('shared')?.file).toBe('scenarios/dup_route_a.yaml');
  });

  it('reads both forms of outputs: a list, or {nodes, mirror}', () => {
    const mirrored = snapshot.scenarios.get('ok_outputs_mirror');
    expect(mirrored?.outputs).toEqual(['3']);
    expect(mirrored?.mirror).toBe(true);
    expect(snapshot.scenarios.get('ok_minimal')?.mirror).toBe(false);
  });
});
