// Links the gateway hands out never carry a hostile Host header: public_url wins when set, otherwise only a plain
// host[:port] is used and anything else falls back to the address the connection arrived on.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';

/** GET with a Host header of our choosing (fetch does not let a caller set one). */
function getWithHost(url: string, host: string): Promise<{ status: number; json: { data: { url: string } } }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as { data: { url: string } } }));
    });
    req.on('error', reject);
    req.end();
  });
}

const linkPath = '/api/v1/images/url?filename=a.png';

describe('links and the Host header', () => {
  let stack: Stack;
  let pinned: Stack;
  beforeAll(async () => {
    stack = await startStack({ locale: 'en' });
    pinned = await startStack({ locale: 'en', server: { public_url: 'https://gateway.example/' } });
  });
  afterAll(async () => {
    await stack?.close();
    await pinned?.close();
  });

  it('never reflects a hostile Host header into a link', async () => {
    const answer = await getWithHost(stack.gw.url + linkPath, 'evil.invalid"><x');
    expect(answer.status).toBe(200);
    expect(answer.json.data.url).not.toMatch(/evil|["<>]/);
    expect(answer.json.data.url.startsWith(`http://127.0.0.1:${stack.gw.port}/api/v1/images/download?`)).toBe(true);
  });

  it('uses a plain host[:port] as given', async () => {
    const answer = await getWithHost(stack.gw.url + linkPath, 'images.example:8443');
    expect(answer.json.data.url.startsWith('http://images.example:8443/api/v1/images/download?')).toBe(true);
    const ipv6 = await getWithHost(stack.gw.url + linkPath, '[::1]:9000');
    expect(ipv6.json.data.url.startsWith('http://[::1]:9000/')).toBe(true);
  });

  it('builds every link from server.public_url when it is set', async () => {
    const answer = await getWithHost(pinned.gw.url + linkPath, 'other.example');
    expect(answer.json.data.url.startsWith('https://gateway.example/api/v1/images/download?')).toBe(true);
  });
});
