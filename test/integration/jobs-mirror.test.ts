// Mirroring: a finished job's results are copied to output/<prompt_id>/, byte for byte (jobs.mirror_outputs for
// every job, a manifest's outputs.mirror for its scenario), and its output links are served from that copy.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from 'comfyui-sim';
import type { JobDocument } from '../../src/jobs/job-document.js';
import type { TestGateway } from '../helpers/gateway.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { emptyImageWorkflow } from '../helpers/workflows.js';

describe('jobs: mirroring outputs', () => {
  let stack: Stack;
  let sim: Simulator;
  let gw: TestGateway;
  beforeAll(async () => {
    stack = await startStack({ jobs: { mirror_outputs: true } });
    ({ sim, gw } = stack);
  });
  afterAll(async () => stack?.close());

  it('copies each result of a succeeded job to output/<prompt_id>/', async () => {
    const answer = await gw.call('POST', '/api/v1/workflows/submit?wait=true', { workflow: emptyImageWorkflow('mirror', 3) });
    const data = answer.json.data as JobDocument;
    expect(data.status).toBe('succeeded');
    await gw.mirror.idle();
    const output = data.outputs[0]!;
    const copy = await readFile(path.join(gw.config.folders.output, data.prompt_id, output.subfolder, output.filename));
    const original = await readFile(path.join(sim.dataDir, 'output', output.subfolder, output.filename));
    expect(copy.equals(original)).toBe(true);
  });
});

describe('jobs: a scenario asking for mirroring (outputs: {nodes, mirror: true})', () => {
  let stack: Stack;
  let sim: Simulator;
  let gw: TestGateway;
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'gateway-mirror-'));
    const scenarios = path.join(root, 'scenarios');
    await mkdir(scenarios);
    await writeFile(path.join(scenarios, 'canvas.json'), JSON.stringify(emptyImageWorkflow('canvas')));
    const fields = 'fields:\n  color: { type: integer, default: 0, to: 1.inputs.color }\n';
    await writeFile(path.join(scenarios, 'mirrored.yaml'), `workflow: canvas.json\n${fields}outputs:\n  nodes: [2]\n  mirror: true\n`);
    await writeFile(path.join(scenarios, 'plain.yaml'), `workflow: canvas.json\n${fields}outputs: [2]\n`);
    stack = await startStack({ folders: { scenarios, templates: path.join(root, 'templates') } });
    ({ sim, gw } = stack);
  });
  afterAll(async () => {
    await stack?.close();
    await rm(root, { recursive: true, force: true });
  });

  async function run(scenario: string, color: number) {
    const answer = await gw.call('POST', `/api/v1/scenarios/${scenario}?wait=true`, { color });
    expect(answer.status).toBe(200);
    const data = answer.json.data as JobDocument;
    expect(data.status).toBe('succeeded');
    expect(data.outputs).toHaveLength(1);
    await gw.mirror.idle();
    return { promptId: data.prompt_id, output: data.outputs[0]! };
  }

  /** ComfyUI cleans its output folder: the file is gone from the simulator. */
  async function deleteFromComfy(output: JobDocument['outputs'][number]): Promise<Buffer> {
    const file = path.join(sim.dataDir, 'output', output.subfolder, output.filename);
    const bytes = await readFile(file);
    await rm(file);
    return bytes;
  }

  it('keeps the output URL working after ComfyUI deleted its file: the same bytes, streamed from the copy', async () => {
    const { promptId, output } = await run('mirrored', 11);
    expect(output.url).toContain(`&prompt_id=${promptId}`);
    const original = await deleteFromComfy(output);
    const upstream = `${sim.url}/view?filename=${encodeURIComponent(output.filename)}&subfolder=${encodeURIComponent(output.subfolder)}&type=output`;
    expect((await fetch(upstream)).status).toBe(404);

    const response = await fetch(output.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await response.arrayBuffer()).equals(original)).toBe(true);
  });

  it('answers 404 for a job that was not mirrored (the list form), once ComfyUI deleted the file', async () => {
    const { output } = await run('plain', 12);
    expect(output.url).not.toContain('prompt_id');
    expect((await fetch(output.url)).status).toBe(200);
    await deleteFromComfy(output);
    const answer = await gw.call('GET', new URL(output.url).pathname + new URL(output.url).search);
    expect(answer.status).toBe(404);
    expect(answer.json.code).toBe(404);
  });

  it('answers 404 when neither the copy nor ComfyUI has the file', async () => {
    const { promptId } = await run('mirrored', 13);
    const answer = await gw.call('GET', `/api/v1/images/download?filename=nope.png&prompt_id=${promptId}`);
    expect(answer.status).toBe(404);
  });

  it('refuses a prompt_id that is not a UUID, and a path leaving the folder, with 400', async () => {
    const { promptId, output } = await run('mirrored', 14);
    for (const query of [
      `filename=${output.filename}&prompt_id=..%2F..%2Fetc`,
      `filename=${output.filename}&prompt_id=not-a-uuid`,
      `filename=..&subfolder=&prompt_id=${promptId}`,
      `filename=${output.filename}&subfolder=..%2F..&prompt_id=${promptId}`,
    ]) {
      const answer = await gw.call('GET', `/api/v1/images/download?${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.json.data, query).toBeNull();
    }
  });

  it('documents prompt_id on the download route', async () => {
    const doc = (await (await fetch(`${gw.url}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, { get?: { parameters?: { name: string; schema?: { pattern?: string } }[] } }>;
    };
    const param = doc.paths['/api/v1/images/download']?.get?.parameters?.find((p) => p.name === 'prompt_id');
    expect(param?.schema?.pattern).toMatch(/^\^\[0-9a-fA-F\]\{8\}/);
  });
});
