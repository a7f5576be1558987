// Image values: which form a value is in, the images map's targets, and the remote fetcher's hops, pinning and
// limits against a local server. Host names are resolved by a fake resolver, so no test depends on real DNS, and
// refused addresses are only ever named, never connected to.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isGatewayError } from '../../../src/errors.js';
import { decodeInlineImage } from '../../../src/images/decode-data-url.js';
import { createRemoteFetcher, type ResolvedAddress } from '../../../src/images/fetch-remote-image.js';
import { classifyImageValue } from '../../../src/images/resolve-image-input.js';
import { createUrlPolicy } from '../../../src/images/url-policy.js';
import { findImageTargets } from '../../../src/images/workflow-images.js';

const context = { locale: 'en' as const, field: 'input_image' };

async function failure(promise: Promise<unknown> | (() => unknown)) {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    if (isGatewayError(error)) return { code: error.code, status: error.status, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('classifyImageValue', () => {
  const long = Buffer.alloc(300, 7).toString('base64');

  it('reads a data URL, whatever type it claims', () => {
    const value = classifyImageValue(`data:image/png;base64,${Buffer.from('abc').toString('base64')}`, 'en', 'f');
    expect(value).toEqual({ kind: 'bytes', form: 'data-url', bytes: Buffer.from('abc') });
  });

  it('reads long bare base64 (standard, URL-safe, wrapped) but leaves short names alone', () => {
    expect(classifyImageValue(long, 'en', 'f')).toMatchObject({ kind: 'bytes', form: 'base64' });
    expect(decodeInlineImage(`${long.slice(0, 100)}\n${long.slice(100)}`)).toMatchObject({ kind: 'base64' });
    expect(decodeInlineImage(long.replaceAll('+', '-'))).toMatchObject({ kind: 'base64' });
    expect(classifyImageValue('abc123', 'en', 'f')).toEqual({ kind: 'file', name: 'abc123' });
  });

  it('takes http and https URLs for fetching', () => {
    expect(classifyImageValue('https://example.com/a.png', 'en', 'f')).toEqual({ kind: 'url', url: 'https://example.com/a.png' });
    expect(classifyImageValue('HTTP://example.com/a.png', 'en', 'f').kind).toBe('url');
  });

  it('keeps a plain file name, also in a subfolder', () => {
    expect(classifyImageValue('cat.png', 'en', 'f')).toEqual({ kind: 'file', name: 'cat.png' });
    expect(classifyImageValue('faces/cat.png', 'en', 'f')).toEqual({ kind: 'file', name: 'faces/cat.png' });
  });

  it.each(['../x.png', 'a/../../x.png', '/etc/passwd', 'C:\\x.png', 'a\\b.png', 'x\u0000.png', 'file:///etc/passwd', 'ftp://h/x.png'])(
    'refuses %j with 400 naming the field',
    async (value) => {
      const refused = await failure(() => classifyImageValue(value, 'en', 'input_image'));
      expect(refused.status).toBe(400);
      expect(refused.message).toContain('input_image');
    },
  );

  it('says how to write a data URL that is not base64', async () => {
    const refused = await failure(() => classifyImageValue('data:image/png,raw', 'en', 'f'));
    expect(refused.message).toContain('data:image/<type>;base64,<data>');
  });
});

describe('findImageTargets', () => {
  const workflow = {
    '1': { class_type: 'LoadImage', inputs: { image: 'a.png' } },
    '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] as [string, number] } },
    '3:4': { class_type: 'LoadImageMask', inputs: { image: 'm.png', channel: 'alpha' } },
  };

  it('reads "<node>" and "<node>.inputs.<input>", node ids with colons included', () => {
    expect(findImageTargets(workflow, ['1', '3:4.inputs.image'], 'en')).toEqual([
      { key: '1', node: '1', input: 'image' },
      { key: '3:4.inputs.image', node: '3:4', input: 'image' },
    ]);
  });

  it('refuses a missing node, a link and an empty part, naming the key', async () => {
    expect((await failure(() => findImageTargets(workflow, ['9'], 'en'))).message).toContain('no node "9"');
    expect((await failure(() => findImageTargets(workflow, ['2'], 'en'))).message).toContain('connected');
    expect((await failure(() => findImageTargets(workflow, ['1.inputs.'], 'en'))).message).toContain('images["1.inputs."]');
    expect((await failure(() => findImageTargets(workflow, ['__proto__'], 'en'))).message).toContain('no node');
  });
});

describe('remote fetcher', () => {
  let server: Server;
  let port: number;
  let dir: string;
  const hits: string[] = [];
  let file = 0;
  const destination = () => path.join(dir, `f${++file}`);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fetch-test-'));
    server = createServer((req, res) => {
      hits.push(`${req.headers.host} ${req.url}`);
      if (req.url === '/a.png') res.end('bytes of a');
      else if (req.url === '/big') res.end(Buffer.alloc(5000));
      else if (req.url === '/chunked-big') {
        res.writeHead(200, { 'transfer-encoding': 'chunked' });
        for (let i = 0; i < 10; i++) res.write(Buffer.alloc(1000));
        res.end();
      } else if (req.url === '/loop') res.writeHead(302, { location: '/loop' }).end();
      else if (req.url === '/to-internal') res.writeHead(307, { location: 'http://internal.test/x.png' }).end();
      else if (req.url === '/hang') res.writeHead(200).write('x'); // never ends: the timeout must
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  /** images.test → 127.0.0.1 (allow-listed by range), internal.test → 10.0.0.1 (refused, never connected). */
  const resolved: Record<string, ResolvedAddress[]> = {
    'images.test': [{ address: '127.0.0.1', family: 4 }],
    'internal.test': [{ address: '10.0.0.1', family: 4 }],
    'mixed.test': [
      { address: '93.184.216.34', family: 4 },
      { address: '192.168.0.1', family: 4 },
    ],
  };
  const lookups: string[] = [];
  const fetcher = (overrides: Partial<Parameters<typeof createRemoteFetcher>[0]> = {}) =>
    createRemoteFetcher({
      policy: createUrlPolicy({ allowHosts: [], allowCidrs: ['127.0.0.1/32'] }),
      maxBytes: 2000,
      timeoutMs: 2000,
      maxRedirects: 2,
      resolve: async (host) => {
        lookups.push(host);
        const found = resolved[host];
        if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
        return found;
      },
      ...overrides,
    });

  it('connects to the address it checked, sending the real host name', async () => {
    lookups.length = 0;
    const target = destination();
    const got = await fetcher()(`http://images.test:${port}/a.png`, target, context);
    expect(got).toMatchObject({ filepath: target, size: 10, originalFilename: 'a.png' });
    expect(await readFile(target, 'utf8')).toBe('bytes of a');
    expect(hits.at(-1)).toBe(`images.test:${port} /a.png`);
    expect(lookups).toEqual(['images.test']); // one lookup: nothing left for a rebinding answer to change
  });

  it('refuses a host that resolves inside, before connecting', async () => {
    const before = hits.length;
    const refused = await failure(fetcher()(`http://internal.test/x.png`, destination(), context));
    expect(refused).toMatchObject({ status: 400 });
    expect(refused.message).toContain('private addresses are not allowed (10.0.0.1)');
    const mixed = await failure(fetcher()(`http://mixed.test/x.png`, destination(), context));
    expect(mixed.message).toContain('192.168.0.1');
    expect(hits.length).toBe(before);
  });

  it('checks every redirect hop, and stops at max_redirects', async () => {
    const internal = await failure(fetcher()(`http://images.test:${port}/to-internal`, destination(), context));
    expect(internal.message).toContain('refusing to fetch http://internal.test/x.png');
    const loop = await failure(fetcher()(`http://images.test:${port}/loop`, destination(), context));
    expect(loop.message).toContain('redirected more than 2 times');
  });

  it('answers 413 past max_bytes, declared or streamed, and leaves no file behind', async () => {
    const target = destination();
    expect((await failure(fetcher()(`http://images.test:${port}/big`, target, context))).status).toBe(413);
    const streamed = destination();
    expect((await failure(fetcher()(`http://images.test:${port}/chunked-big`, streamed, context))).status).toBe(413);
    await expect(readFile(streamed)).rejects.toThrow('ENOENT');
  });

  it('gives up after timeout_ms with a message naming the setting', async () => {
    const refused = await failure(fetcher({ timeoutMs: 300 })(`http://images.test:${port}/hang`, destination(), context));
    expect(refused.status).toBe(400);
    expect(refused.message).toContain('images.fetch.timeout_ms');
  });

  it('refuses other schemes, credentials, unknown hosts and error statuses with 400', async () => {
    expect((await failure(fetcher()('ftp://images.test/a.png', destination(), context))).message).toContain('only http and https');
    expect((await failure(fetcher()(`http://u:p@images.test:${port}/a.png`, destination(), context))).message).not.toContain('u:p');
    expect((await failure(fetcher()('http://nowhere.test/a.png', destination(), context))).message).toContain('ENOTFOUND');
    expect((await failure(fetcher()(`http://images.test:${port}/missing`, destination(), context))).message).toContain('HTTP 404');
  });
});
