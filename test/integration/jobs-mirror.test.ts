// jobs.mirror_outputs: a finished job's results are copied to output/<prompt_id>/, byte for byte.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/sim/index.js';
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
    await gw.mirror!.idle();
    const output = data.outputs[0]!;
    const copy = await readFile(path.join(gw.config.folders.output, data.prompt_id, output.subfolder, output.filename));
    const original = await readFile(path.join(sim.dataDir, 'output', output.subfolder, output.filename));
    expect(copy.equals(original)).toBe(true);
  });
});
