// With signature groups that cover submission, the WebSocket is held to the same rule: an unsigned socket may watch
// progress but its submit is refused with a message saying why; a signed upgrade may submit; a badly signed one
// does not open.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../src/security/canonical.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { emptyImageWorkflow } from '../helpers/workflows.js';
import { openSocket, refusedStatus } from '../helpers/ws-client.js';

const KEY = 'ws-signature-key-0123456789';
const trusted = generateKeyPairSync('rsa', { modulusLength: 2048 });
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });

describe('WebSocket submit under signature groups', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      locale: 'en',
      auth: {
        api_keys: [{ key: KEY, name: 'caller' }],
        signature: { groups: ['workflows', 'scenarios'], public_keys: [trusted.publicKey.export({ type: 'spki', format: 'pem' }).toString()] },
      },
    });
  });
  afterAll(async () => stack?.close());

  const wsBase = () => stack.gw.url.replace('http', 'ws');
  async function promptCount(): Promise<number> {
    const queue = (await fetch(`${stack.sim.url}/queue`).then((r) => r.json())) as { queue_running: unknown[]; queue_pending: unknown[] };
    const history = (await fetch(`${stack.sim.url}/history`).then((r) => r.json())) as Record<string, unknown>;
    return queue.queue_running.length + queue.queue_pending.length + Object.keys(history).length;
  }

  it('refuses a submit on a socket opened with only the API key, with a message that says what to do', async () => {
    const socket = await openSocket(`${wsBase()}/api/v1/ws/unsigned-1`, { 'x-api-key': KEY });
    try {
      expect((await socket.next()).type).toBe('connected');
      socket.send({ type: 'submit', data: { workflow: emptyImageWorkflow('ws-unsigned') } });
      const answer = await socket.next();
      expect(answer.type).toBe('submit_error');
      expect(answer.data).toMatchObject({ code: 401 });
      expect(String(answer.data?.message)).toMatch(/opened without one. Sign the upgrade request/);
      // The socket stays usable for what needs no signature.
      socket.send({ type: 'ping' });
      expect((await socket.next()).type).toBe('pong');
      expect(await promptCount()).toBe(0);
    } finally {
      await socket.close();
    }
  });

  it('lets a socket whose upgrade was signed submit', async () => {
    const path = '/api/v1/ws/signed-1';
    const signature = signRequest(trusted.privateKey, { method: 'GET', path, query: '', body: '' });
    const socket = await openSocket(`${wsBase()}${path}`, { 'x-api-key': KEY, ...signature });
    try {
      expect((await socket.next()).type).toBe('connected');
      socket.send({ type: 'submit', data: { workflow: emptyImageWorkflow('ws-signed') } });
      const answer = await socket.next();
      expect(answer.type).toBe('submit_success');
    } finally {
      await socket.close();
    }
  });

  it('refuses an upgrade signed with an unknown key (401), without opening the socket', async () => {
    const path = '/api/v1/ws/forged-1';
    const signature = signRequest(stranger.privateKey, { method: 'GET', path, query: '', body: '' });
    const refused = await refusedStatus(`${wsBase()}${path}`, { 'x-api-key': KEY, ...signature });
    expect(refused.status).toBe(401);
    expect(refused.body).toMatch(/bad signature/);
  });
});
