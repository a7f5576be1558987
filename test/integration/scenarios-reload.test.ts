// Hot reload through the whole cycle, over HTTP, with the real watcher on a temp folder: add → live; change → new
// version; broken → the old version keeps serving and the problem shows; fix; template change; editor-style
// saves (temp file + rename, chunked writes) never show a failure; delete → 404.
import { open, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/scenarios/types.js';
import type { Answer, TestGateway } from '../helpers/gateway.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait.js';
import { emptyImageWorkflow } from '../helpers/workflows.js';

const template = (prefix: string) => JSON.stringify(emptyImageWorkflow(prefix));

const manifest = (width: number, extra = '') => `summary: reload test
workflow: tiny.json
fields:
  width:
    type: integer
    minimum: 1
    default: ${width}
    to: 1.inputs.width
${extra}`;

describe('scenario hot reload', () => {
  let stack: Stack;
  let gw: TestGateway;
  let scenarios: string;
  let templates: string;
  const seen: Snapshot[] = [];

  beforeAll(async () => {
    stack = await startStack({ scenarios: { watch: true, debounce_ms: 20 } });
    gw = stack.gw;
    scenarios = gw.config.folders.scenarios;
    templates = gw.config.folders.templates;
    gw.registry.onChange((snapshot) => seen.push(snapshot));
  });
  afterAll(async () => stack?.close());

  const dryRun = (name: string) => gw.call('POST', `/api/v1/scenarios/${name}?dry_run=true`, {});
  const widthOf = (answer: Answer) => (answer.json.data as { params: { width: number } } | null)?.params.width;
  const statusOf = async (name: string) => {
    const list = await gw.call('GET', '/api/v1/scenarios');
    const all = (list.json.data as { scenarios: { name: string; status: string; errors: string[]; serving_version: number | null }[] }).scenarios;
    return all.find((s) => s.name === name);
  };
  const failuresOf = (file: string) => seen.filter((s) => s.statuses.get(file)?.state === 'failed');

  it('adds a route when a manifest appears', async () => {
    await writeFile(path.join(templates, 'tiny.json'), template('first'));
    await writeFile(path.join(scenarios, 'alpha.yaml'), manifest(10));
    const answer = await waitFor('alpha live', async () => {
      const a = await dryRun('alpha');
      return a.status === 200 ? a : undefined;
    });
    expect(widthOf(answer)).toBe(10);
  });

  it('serves the new version after a change', async () => {
    const before = gw.registry.current().scenarios.get('alpha')?.version ?? 0;
    await writeFile(path.join(scenarios, 'alpha.yaml'), manifest(20));
    await waitFor('alpha width 20', async () => (widthOf(await dryRun('alpha')) === 20 ? true : undefined));
    expect(gw.registry.current().scenarios.get('alpha')?.version).toBeGreaterThan(before);
  });

  it('keeps the last good version serving when an edit breaks the manifest, and shows the problem', async () => {
    await writeFile(path.join(scenarios, 'alpha.yaml'), manifest(30).replace('    minimum: 1', '   minimum: 1'));
    const status = await waitFor('alpha failed', async () => {
      const s = await statusOf('alpha');
      return s?.status === 'failed' ? s : undefined;
    });
    expect(status.errors[0]).toMatch(/^scenarios\/alpha\.yaml:\d+:\d+: YAML 格式错误/);
    expect(status.serving_version).toBe(gw.registry.current().scenarios.get('alpha')?.version);
    expect(widthOf(await dryRun('alpha'))).toBe(20);
  });

  it('recovers when the manifest is fixed', async () => {
    await writeFile(path.join(scenarios, 'alpha.yaml'), manifest(40));
    await waitFor('alpha width 40', async () => (widthOf(await dryRun('alpha')) === 40 ? true : undefined));
    expect((await statusOf('alpha'))?.status).toBe('loaded');
  });

  it('reloads every scenario that uses a template when the template changes', async () => {
    await writeFile(path.join(scenarios, 'beta.yaml'), manifest(5));
    await waitFor('beta live', async () => ((await dryRun('beta')).status === 200 ? true : undefined));
    const unrelated = gw.registry.current();
    await writeFile(path.join(templates, 'tiny.json'), template('second'));
    const prefixOf = async (name: string) =>
      ((await dryRun(name)).json.data as { workflow: Record<string, { inputs: { filename_prefix?: string } }> }).workflow['2']?.inputs
        .filename_prefix;
    await waitFor('alpha and beta on the new template', async () =>
      (await prefixOf('alpha')) === 'second' && (await prefixOf('beta')) === 'second' ? true : undefined,
    );
    expect(gw.registry.current().version).toBeGreaterThan(unrelated.version);
  });

  it('never reports a failure for a temp-file-then-rename save or a write in chunks', async () => {
    const failuresBefore = failuresOf('scenarios/alpha.yaml').length;
    const temp = path.join(scenarios, 'alpha.yaml.tmp');
    await writeFile(temp, manifest(50));
    await rename(temp, path.join(scenarios, 'alpha.yaml'));
    await waitFor('alpha width 50', async () => (widthOf(await dryRun('alpha')) === 50 ? true : undefined));

    const text = manifest(60);
    const handle = await open(path.join(scenarios, 'alpha.yaml'), 'w');
    await handle.write(text.slice(0, 30));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await handle.write(text.slice(30));
    await handle.close();
    await waitFor('alpha width 60', async () => (widthOf(await dryRun('alpha')) === 60 ? true : undefined));
    await gw.registry.idle();
    expect(failuresOf('scenarios/alpha.yaml').length).toBe(failuresBefore);
  });

  it('removes the route when the manifest is deleted', async () => {
    await rm(path.join(scenarios, 'beta.yaml'));
    const gone = await waitFor('beta gone', async () => {
      const a = await dryRun('beta');
      return a.status === 404 ? a : undefined;
    });
    expect(gone.json.message).toContain('场景 "beta"');
    expect(await statusOf('beta')).toBeUndefined();
    expect((await dryRun('alpha')).status).toBe(200);
  });
});
