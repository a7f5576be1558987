// The Idempotency-Key gate over a real socket, with a submit step the test controls (the integration test runs
// it against the simulator).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { koaBody } from 'koa-body';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fail } from '../../src/errors.js';
import { errorMiddleware } from '../../src/http/error-middleware.js';
import { claimOf, createIdempotency, REPLAYED_HEADER } from '../../src/http/idempotency.js';
import { createIdempotencyStore } from '../../src/http/idempotency-store.js';

describe('Idempotency-Key wrapper', () => {
  let server: Server;
  let base: string;
  let submits = 0;
  /** Each submit waits for this gate, so a test can hold the first request in flight. */
  let gate: Promise<void> = Promise.resolve();
  let clock = 0;

  beforeAll(async () => {
    const log = pino({ level: 'silent' });
    const idempotent = createIdempotency(createIdempotencyStore({ maxKeys: 3, maxBytes: 1 << 20, ttlMs: 1000, now: () => clock }));
    const app = new Koa();
    app.silent = true;
    app.use(errorMiddleware(log));
    app.use(async (ctx, next) => {
      ctx.state = { locale: 'en', requestId: 'r1', log, apiKey: ctx.get('x-user') || undefined };
      await next();
    });
    app.use(koaBody());
    app.use(async (ctx) => {
      const body = ctx.request.body as { n?: number; bad?: boolean };
      const step = async () => {
        submits += 1;
        const mine = submits;
        await gate;
        if (body.bad) throw fail.badRequest('bad input');
        return { code: 200, message: 'ok', data: { submission: mine, n: body.n } };
      };
      const claim = claimOf(ctx, `POST ${ctx.path}`, body);
      if (!claim) {
        ctx.body = await step();
        return;
      }
      const { answer, replayed } = await idempotent.once(claim, step);
      ctx.body = answer;
      if (replayed) ctx.set(REPLAYED_HEADER, 'true');
    });
    server = createServer(app.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    submits = 0;
    gate = Promise.resolve();
  });

  async function post(body: unknown, headers: Record<string, string> = {}, path = '/submit') {
    const response = await fetch(base + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, replayed: response.headers.get('idempotent-replayed'), json: await response.json() as Record<string, unknown> };
  }

  it('without the header every request submits', async () => {
    await post({ n: 1 });
    await post({ n: 1 });
    expect(submits).toBe(2);
  });

  it('replays the first answer for the same key and body (key order does not matter)', async () => {
    const first = await post({ n: 1, m: 2 }, { 'idempotency-key': 'k-same' });
    const again = await post({ m: 2, n: 1 }, { 'idempotency-key': 'k-same' });
    expect(submits).toBe(1);
    expect(first.replayed).toBeNull();
    expect(again).toEqual({ ...first, replayed: 'true' });
  });

  it('refuses the same key with another body, or another query', async () => {
    await post({ n: 1 }, { 'idempotency-key': 'k-body' });
    const other = await post({ n: 2 }, { 'idempotency-key': 'k-body' });
    expect(other.status).toBe(400);
    expect(other.json.message).toMatch(/already used for a different request/);
    expect((await post({ n: 1 }, { 'idempotency-key': 'k-body' }, '/submit?wait=true')).status).toBe(400);
    expect(submits).toBe(1);
  });

  it('scopes keys per API key and per route', async () => {
    await post({ n: 1 }, { 'idempotency-key': 'k-scope', 'x-user': 'alice' });
    await post({ n: 1 }, { 'idempotency-key': 'k-scope', 'x-user': 'bob' });
    await post({ n: 1 }, { 'idempotency-key': 'k-scope' });
    await post({ n: 1 }, { 'idempotency-key': 'k-scope', 'x-user': 'alice' }, '/other');
    expect(submits).toBe(4);
  });

  it('a duplicate arriving in flight waits for the first answer instead of submitting', async () => {
    let open!: () => void;
    gate = new Promise<void>((resolve) => (open = resolve));
    const first = post({ n: 7 }, { 'idempotency-key': 'k-race' });
    await waitFor(() => submits === 1);
    const second = post({ n: 7 }, { 'idempotency-key': 'k-race' });
    const third = post({ n: 7 }, { 'idempotency-key': 'k-race' });
    open();
    const answers = await Promise.all([first, second, third]);
    expect(submits).toBe(1);
    expect(answers.map((a) => a.json)).toEqual([answers[0]?.json, answers[0]?.json, answers[0]?.json]);
    expect(answers.map((a) => a.replayed)).toEqual([null, 'true', 'true']);
  });

  it('does not keep a failed answer: the same key may be retried', async () => {
    const failed = await post({ bad: true }, { 'idempotency-key': 'k-fail' });
    expect(failed.status).toBe(400);
    // A failure is not a use of the key: the corrected request is accepted under it.
    const fixed = await post({ n: 1 }, { 'idempotency-key': 'k-fail' });
    expect(fixed.status).toBe(200);
    expect(fixed.replayed).toBeNull();
    expect(submits).toBe(2);
  });

  it('refuses malformed keys', async () => {
    expect((await post({}, { 'idempotency-key': 'x'.repeat(256) })).status).toBe(400);
    expect((await post({}, { 'idempotency-key': '' })).status).toBe(400);
    expect((await post({}, { 'idempotency-key': 'x'.repeat(255) })).status).toBe(200);
  });

  it('forgets answers after the ttl and beyond max_keys', async () => {
    await post({ n: 1 }, { 'idempotency-key': 'k-ttl' });
    clock += 1001;
    expect((await post({ n: 1 }, { 'idempotency-key': 'k-ttl' })).replayed).toBeNull();
    for (const key of ['a', 'b', 'c']) await post({ n: 1 }, { 'idempotency-key': key });
    expect((await post({ n: 1 }, { 'idempotency-key': 'k-ttl' })).replayed).toBeNull();
    expect(submits).toBe(6);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
