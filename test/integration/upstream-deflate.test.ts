// Real ComfyUI (aiohttp) negotiates permessage-deflate on /ws, so every event the gateway reads upstream arrives
// compressed. A TCP relay between the gateway and the simulator reads the handshake and the first frame as they
// cross the wire: with comfyui.ws_compression the gateway offers the extension and the frames it then reads are
// deflated (RSV1 set); by default it offers none (inflating costs CPU per event, docs/performance.md), so a
// compressing ComfyUI sends plain frames.
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from 'comfyui-sim';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

interface Wire {
  request: Buffer;
  response: Buffer;
}

/** Relays 127.0.0.1:<port> to the simulator and keeps what each WebSocket connection carried. */
async function startRelay(target: number): Promise<{ port: number; server: Server; ws: Promise<Wire> }> {
  const sockets = new Set<Socket>();
  let found: (wire: Wire) => void = () => {};
  const ws = new Promise<Wire>((resolve) => (found = resolve));
  const server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    sockets.add(client).add(upstream);
    const wire: Wire = { request: Buffer.alloc(0), response: Buffer.alloc(0) };
    client.on('data', (chunk: Buffer) => {
      wire.request = Buffer.concat([wire.request, chunk]);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      wire.response = Buffer.concat([wire.response, chunk]);
      client.write(chunk);
      const end = wire.response.indexOf('\r\n\r\n');
      // The handshake answer and at least the first frame header have arrived.
      if (wire.request.toString('latin1').startsWith('GET /ws') && end >= 0 && wire.response.length >= end + 6) found(wire);
    });
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', drop).on('error', drop);
    upstream.on('close', drop).on('error', drop);
  });
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, server, ws };
}

function header(head: string, name: string): string | undefined {
  const line = head.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name}:`));
  return line?.slice(name.length + 1).trim();
}

describe('the upstream WebSocket, compressed as real ComfyUI sends it', () => {
  let sim: Simulator | undefined;
  let gw: TestGateway | undefined;
  let relay: Server | undefined;

  afterEach(async () => {
    await gw?.close();
    await new Promise((resolve) => relay?.close(resolve));
    await sim?.close();
    gw = sim = relay = undefined;
  });

  it('with ws_compression, offers permessage-deflate, gets it, and reads deflated frames', async () => {
    sim = await startSimulator();
    const r = await startRelay(sim.port);
    relay = r.server;
    gw = await startTestGateway({ comfyui: { url: `http://127.0.0.1:${r.port}`, ws_compression: true } });
    const wire = await r.ws;

    const request = wire.request.toString('latin1');
    expect(header(request, 'sec-websocket-extensions')).toMatch(/^permessage-deflate/);
    const end = wire.response.indexOf('\r\n\r\n');
    const answer = wire.response.subarray(0, end).toString('latin1');
    expect(answer).toMatch(/^HTTP\/1\.1 101 /);
    expect(header(answer, 'sec-websocket-extensions')).toBe('permessage-deflate');
    const first = wire.response[end + 4] ?? 0;
    expect(first & 0x0f).toBe(0x1); // a text frame (the first status event)
    expect(first & 0x40).toBe(0x40); // RSV1: its payload is deflated
  });

  it('by default offers no compression, so a compressing ComfyUI sends plain frames', async () => {
    sim = await startSimulator();
    const r = await startRelay(sim.port);
    relay = r.server;
    gw = await startTestGateway({ comfyui: { url: `http://127.0.0.1:${r.port}` } });
    const wire = await r.ws;
    expect(header(wire.request.toString('latin1'), 'sec-websocket-extensions')).toBeUndefined();
    const end = wire.response.indexOf('\r\n\r\n');
    expect(wire.response.subarray(0, end).toString('latin1')).toMatch(/^HTTP\/1\.1 101 /);
    expect(header(wire.response.subarray(0, end).toString('latin1'), 'sec-websocket-extensions')).toBeUndefined();
    expect((wire.response[end + 4] ?? 0) & 0x40).toBe(0);
  });

  it('with ws_compression, still works when the simulator is told not to compress', async () => {
    sim = await startSimulator({ perMessageDeflate: false });
    const r = await startRelay(sim.port);
    relay = r.server;
    gw = await startTestGateway({ comfyui: { url: `http://127.0.0.1:${r.port}`, ws_compression: true } });
    const wire = await r.ws;
    const end = wire.response.indexOf('\r\n\r\n');
    expect(header(wire.response.subarray(0, end).toString('latin1'), 'sec-websocket-extensions')).toBeUndefined();
    expect((wire.response[end + 4] ?? 0) & 0x40).toBe(0);
  });
});
