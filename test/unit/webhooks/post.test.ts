// One attempt over a real socket: what each kind of receiver turns into.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUrlPolicy } from '../../../src/images/url-policy.js';
import { createHttpPoster, type HttpPoster } from '../../../src/webhooks/post.js';

describe('webhook HTTP attempt', () => {
  let server: Server;
  let base: string;
  let poster: HttpPoster;
  const received: { headers: Record<string, unknown>; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        const status = Number(req.url?.slice(1));
        if (req.url === '/hang') return; // never answers
        res.writeHead(Number.isInteger(status) && status > 0 ? status : 200, { location: 'http://127.0.0.1:1/' });
        res.end('a body nobody reads');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    poster = createHttpPoster({ timeoutMs: 300 });
  });
  afterAll(async () => {
    await poster.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('a 2xx is a success; the body and headers arrive as sent', async () => {
    expect(await poster.post(`${base}/204`, { 'content-type': 'application/json', 'webhook-id': 'msg_x' }, '{"a":1}')).toEqual({ ok: true, status: 204 });
    expect(received.at(-1)).toMatchObject({ body: '{"a":1}', headers: { 'webhook-id': 'msg_x', 'content-type': 'application/json' } });
  });

  it('non-2xx (3xx included, not followed) is a failure with the status', async () => {
    expect(await poster.post(`${base}/500`, {}, '{}')).toEqual({ ok: false, status: 500, error: 'the receiver answered HTTP 500' });
    expect(await poster.post(`${base}/302`, {}, '{}')).toMatchObject({ ok: false, status: 302 });
  });

  it('a receiver that never answers times out', async () => {
    const started = Date.now();
    expect(await poster.post(`${base}/hang`, {}, '{}')).toEqual({ ok: false, status: null, error: 'no answer within 300 ms' });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a closed port is a network error, not an exception', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await poster.post(`http://127.0.0.1:${port}/`, {}, '{}');
    expect(result).toMatchObject({ ok: false, status: null, error: expect.stringContaining('ECONNREFUSED') });
  });

  it('the address policy refuses loopback by literal and by name, unless allow-listed', async () => {
    const guarded = createHttpPoster({ timeoutMs: 1000, policy: createUrlPolicy({ allowHosts: [], allowCidrs: [] }) });
    const before = received.length;
    try {
      expect(await guarded.post(`${base}/200`, {}, '{}')).toMatchObject({ ok: false, final: true, error: expect.stringMatching(/loopback.*webhooks\.allow_hosts/) });
      const byName = base.replace('127.0.0.1', 'localhost');
      expect(await guarded.post(`${byName}/200`, {}, '{}')).toMatchObject({ ok: false, final: true, error: expect.stringContaining('loopback') });
      expect(received.length).toBe(before);
    } finally {
      await guarded.close();
    }
    for (const allow of [{ allowHosts: ['127.0.0.1'], allowCidrs: [] }, { allowHosts: [], allowCidrs: ['127.0.0.0/8'] }]) {
      const open = createHttpPoster({ timeoutMs: 1000, policy: createUrlPolicy(allow) });
      try {
        expect(await open.post(`${base}/200`, {}, '{}')).toEqual({ ok: true, status: 200 });
      } finally {
        await open.close();
      }
    }
    const byName = createHttpPoster({ timeoutMs: 1000, policy: createUrlPolicy({ allowHosts: [], allowCidrs: ['127.0.0.0/8', '::1'] }) });
    try {
      expect(await byName.post(`${base.replace('127.0.0.1', 'localhost')}/200`, {}, '{}')).toMatchObject({ ok: true });
    } finally {
      await byName.close();
    }
  });
});
