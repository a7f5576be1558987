// Files in the scenario folders that are not plain files inside them: a FIFO as a template or as a manifest (whose
// open() would block the reload chain and the shutdown), and symbolic links to files outside the folders (whose
// bytes must never be read, nor echoed in a parse error). Each is a problem reported for its manifest; hot reload
// goes on applying later edits and the gateway closes.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait.js';
import { emptyImageWorkflow } from '../helpers/workflows.js';

const SECRET = 'TOP-SECRET-BYTES';

const manifest = (workflow: string, width = 8) => `summary: special files
workflow: ${workflow}
fields:
  width:
    type: integer
    default: ${width}
    to: 1.inputs.width
`;

interface Status {
  name: string;
  status: string;
  errors: string[];
}

describe.skipIf(process.platform === 'win32')('scenario folders with special files', () => {
  let stack: Stack;
  let outside: string;
  let closed = false;

  beforeAll(async () => {
    outside = await mkdtemp(path.join(os.tmpdir(), 'gateway-outside-'));
    // Outside the folders: neither its YAML-breaking nor its JSON-breaking bytes may come back.
    await writeFile(path.join(outside, 'secret.yaml'), `${SECRET}: [unclosed\n`);
    await writeFile(path.join(outside, 'secret.json'), `${SECRET} {`);
    stack = await startStack({ locale: 'en', scenarios: { watch: true, debounce_ms: 20 } });
  });
  afterAll(async () => {
    if (!closed) await stack?.close();
    if (outside) await rm(outside, { recursive: true, force: true });
  });

  async function statuses(): Promise<{ list: Status[]; text: string }> {
    const response = await fetch(`${stack.gw.url}/api/v1/scenarios`);
    const text = await response.text();
    return { list: (JSON.parse(text) as { data: { scenarios: Status[] } }).data.scenarios, text };
  }

  it('reports FIFOs and outside links as problems, never reads them, and keeps reloading', async () => {
    const { scenarios, templates } = stack.gw.config.folders;
    execFileSync('mkfifo', [path.join(templates, 'fifo.json')]);
    execFileSync('mkfifo', [path.join(scenarios, 'pipe.yaml')]);
    await writeFile(path.join(scenarios, 'uses_fifo.yaml'), manifest('fifo.json'));
    await symlink(path.join(outside, 'secret.yaml'), path.join(scenarios, 'linked.yaml'));
    await symlink(path.join(outside, 'secret.json'), path.join(templates, 'linked.json'));
    await writeFile(path.join(scenarios, 'uses_link.yaml'), manifest('linked.json'));

    const reported = await waitFor('every special file reported', async () => {
      const { list, text } = await statuses();
      const names = ['uses_fifo', 'pipe', 'linked', 'uses_link'];
      return names.every((name) => list.some((s) => s.name === name && s.status === 'failed')) ? { list, text } : undefined;
    });
    const errorsOf = (name: string) => reported.list.find((s) => s.name === name)?.errors.join(' ') ?? '';
    expect(errorsOf('uses_fifo')).toMatch(/fifo\.json is a FIFO, not a regular file/);
    expect(errorsOf('pipe')).toMatch(/is a FIFO, not a regular file/);
    expect(errorsOf('linked')).toMatch(/symbolic link to a file outside its folder/);
    expect(errorsOf('uses_link')).toMatch(/linked\.json is a symbolic link to a file outside its folder/);
    expect(reported.text).not.toContain(SECRET);

    // Later edits still apply: a new manifest goes live, and the broken one loads once its template is a file.
    await writeFile(path.join(templates, 'tiny.json'), JSON.stringify(emptyImageWorkflow('special')));
    await writeFile(path.join(scenarios, 'later.yaml'), manifest('tiny.json', 12));
    await waitFor('later live', async () => (await stack.gw.call('POST', '/api/v1/scenarios/later?dry_run=true', {})).status === 200);
    await writeFile(path.join(scenarios, 'uses_fifo.yaml'), manifest('tiny.json', 14));
    const answer = await waitFor('uses_fifo live', async () => {
      const a = await stack.gw.call('POST', '/api/v1/scenarios/uses_fifo?dry_run=true', {});
      return a.status === 200 ? a : undefined;
    });
    expect((answer.json.data as { params: { width: number } }).params.width).toBe(14);

    // And the gateway closes (a reader blocked on the FIFO would hold the shutdown forever).
    await stack.close();
    closed = true;
  });
});
