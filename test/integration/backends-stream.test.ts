// GET /api/v1/backends/stream: the pool's reading at once, then a new one after each change (a job submitted,
// started or ended), with no timer behind it; admin keys only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSse } from '../helpers/sse.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { emptyImageWorkflow } from '../helpers/workflows.js';

const keys = { ops: 'backends-stream-ops-01', alice: 'backends-stream-alice' };

interface Reading {
  backends: { name: string; up: boolean; running: number }[];
  queue: { waiting: number };
}

describe('the backends stream', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(
      { auth: { api_keys: [{ key: keys.ops, name: 'ops', role: 'admin' }, { key: keys.alice, name: 'alice' }] } },
      { stepMs: 1 },
    );
  });
  afterAll(async () => stack?.close());

  it('is for admin keys', async () => {
    const response = await fetch(`${stack.gw.url}/api/v1/backends/stream`, { headers: { 'x-api-key': keys.alice } });
    await response.arrayBuffer();
    expect(response.status).toBe(403);
  });

  it('sends the reading at once, and a new one after a job changes the pool', async () => {
    const stream = await openSse(`${stack.gw.url}/api/v1/backends/stream`, { 'x-api-key': keys.ops });
    try {
      expect([stream.status, stream.contentType]).toEqual([200, 'text/event-stream; charset=utf-8']);
      const readings = () => stream.events.filter((event) => event.event === 'backends').length;
      const first = (await stream.until((event) => event.event === 'backends')).data as unknown as Reading;
      expect(first.backends).toHaveLength(1);
      expect(first.backends[0]).toMatchObject({ running: 0 });
      const before = readings();
      const done = await stack.gw.call('POST', '/api/v1/workflows/submit?wait=true', { workflow: emptyImageWorkflow('stream', 7) }, { 'x-api-key': keys.ops });
      expect(done.json).toMatchObject({ code: 200, data: { status: 'succeeded' } });
      // Nothing but a change sends a reading: another one proves the job's changes reached the stream.
      await stream.until(() => readings() > before);
      expect((stream.events.at(-1)!.data as unknown as Reading).backends[0]).toMatchObject({ up: true });
    } finally {
      stream.close();
    }
  });
});
