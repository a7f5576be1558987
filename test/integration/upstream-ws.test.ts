// The upstream event stream over real sockets: against the ComfyUI simulator (normal run, ComfyUI down at start,
// dropped mid-run) and against a raw WebSocket server that sends frames no ComfyUI should send.
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { WebSocketServer } from 'ws';
import { createUpstreamEvents, type UpstreamEvent, type UpstreamEvents } from '../../src/comfy/events.js';
import { startSimulator, type Simulator } from 'comfyui-sim';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { openSocket, type Message } from '../helpers/ws-client.js';

const workflow = (prefix: string) => ({
  '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 0 } },
  '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: prefix } },
});

/** A logger whose lines the test can read, and wait on. */
function recordingLog() {
  const lines: { level: number; msg: string }[] = [];
  let check = () => {};
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
      check();
      done();
    },
  });
  const until = (condition: () => boolean) =>
    new Promise<void>((resolve) => {
      check = () => {
        if (condition()) resolve();
      };
      check();
    });
  return { log: pino({ level: 'debug' }, sink), lines, until };
}

function nextConnectionChange(events: UpstreamEvents, wanted: boolean): Promise<void> {
  if (events.connected === wanted) return Promise.resolve();
  return new Promise((resolve) => {
    const off = events.onConnectionChange((connected) => {
      if (connected !== wanted) return;
      off();
      resolve();
    });
  });
}

function collect(events: UpstreamEvents) {
  const seen: UpstreamEvent[] = [];
  const waiters: { match: (e: UpstreamEvent) => boolean; resolve: () => void }[] = [];
  events.onAny((event) => {
    seen.push(event);
    for (const waiter of waiters.splice(0)) {
      if (waiter.match(event)) waiter.resolve();
      else waiters.push(waiter);
    }
  });
  const until = (match: (e: UpstreamEvent) => boolean) =>
    seen.some(match) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ match, resolve }));
  return { seen, until };
}

describe('upstream events against the simulator', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function sim(): Promise<Simulator> {
    const simulator = await startSimulator({ port: 0 });
    cleanup.push(() => simulator.close());
    return simulator;
  }

  function stream(url: string, log = pino({ level: 'silent' })): UpstreamEvents {
    const events = createUpstreamEvents({ url, clientId: 'gw-test', minDelayMs: 10, maxDelayMs: 50, log });
    cleanup.push(() => events.close());
    return events;
  }

  it('connects under its client id and types the events of a prompt submitted under it', async () => {
    const simulator = await sim();
    const events = stream(simulator.url);
    const { seen, until } = collect(events);
    await nextConnectionChange(events, true);
    const response = await fetch(`${simulator.url}/prompt`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: workflow('up'), client_id: 'gw-test' }),
    });
    const { prompt_id: promptId } = (await response.json()) as { prompt_id: string };
    await until((e) => e.type === 'execution_success' && e.data.prompt_id === promptId);
    const types = seen.filter((e) => e.type !== 'status' && e.type !== 'progress_state').map((e) => e.type);
    // ComfyUI closes a prompt with executing {node: null} after execution_success.
    expect(types.slice(0, 7)).toEqual([
      'execution_start',
      'execution_cached',
      'executing',
      'executing',
      'executed',
      'execution_success',
      ...(types.length > 6 ? ['executing'] : []),
    ]);
  });

  it('waits for a ComfyUI that is down at start, logging the outage once, and connects when it comes up', async () => {
    const simulator = await sim();
    await simulator.faults.setRefuseConnections(true);
    const { log, lines, until } = recordingLog();
    const events = stream(simulator.url, log);
    // Several failed attempts, counted from the log's debug lines, not guessed from the clock.
    await until(() => lines.filter((l) => l.msg === 'ComfyUI event stream retry scheduled').length >= 4);
    expect(events.connected).toBe(false);
    expect(lines.filter((l) => l.level === 40)).toHaveLength(1);
    await simulator.faults.setRefuseConnections(false);
    await nextConnectionChange(events, true);
    expect(lines.filter((l) => l.msg === 'ComfyUI event stream connected')).toHaveLength(1);
  });

  it('reconnects by itself after ComfyUI drops the socket', async () => {
    const simulator = await sim();
    const events = stream(simulator.url);
    await nextConnectionChange(events, true);
    simulator.faults.dropWebSockets();
    await nextConnectionChange(events, false);
    await nextConnectionChange(events, true);
  });
});

describe('upstream events against frames no ComfyUI should send', () => {
  it('ignores garbage, binary previews and malformed events, and keeps the connection', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    server.on('connection', (socket) => {
      socket.send('not json at all');
      socket.send('{"type":"execution_start","data":"p"}');
      socket.send('{"type":"progress","data":{"prompt_id":"p","value":"one"}}');
      socket.send(Buffer.from([0, 0, 0, 1, 0, 0, 0, 2, 0x89, 0x50, 0x4e, 0x47]), { binary: true });
      socket.send('{"type":"feature_flags","data":{}}');
      socket.send('{"type":"execution_success","data":{"prompt_id":"p","timestamp":1}}');
    });
    const events = createUpstreamEvents({
      url: `http://127.0.0.1:${port}`,
      clientId: 'gw',
      minDelayMs: 10,
      maxDelayMs: 50,
      log: pino({ level: 'silent' }),
    });
    try {
      const { seen, until } = collect(events);
      const throwing = events.on('execution_success', () => {
        throw new Error('a consumer bug');
      });
      await until((e) => e.type === 'execution_success');
      throwing();
      expect(seen).toEqual([{ type: 'execution_success', data: { prompt_id: 'p', timestamp: 1 } }]);
      expect(events.connected).toBe(true);
    } finally {
      await events.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('gateway relay across an upstream drop', () => {
  let sim: Simulator | undefined;
  let gw: TestGateway | undefined;
  afterEach(async () => {
    await gw?.close();
    await sim?.close();
  });

  it('reconnects by itself mid-run and the later events of the prompt still reach the caller', async () => {
    sim = await startSimulator({ port: 0 });
    // SaveImage runs long enough for the drop and the reconnect to happen while the prompt is running.
    sim.faults.nodeDelayMs = { SaveImage: 1_500 };
    gw = await startTestGateway({ comfyui: { url: sim.url, ws_reconnect_min_ms: 10, ws_reconnect_max_ms: 100 } });
    await nextConnectionChange(gw.events, true);
    const socket = await openSocket(`${gw.url.replace(/^http/, 'ws')}/api/v1/ws/c-drop`);
    try {
      await socket.next();
      socket.send({ type: 'submit', data: { workflow: workflow('drop') } });
      const promptId = (await socket.next()).data?.prompt_id as string;
      await socket.until((m: Message) => m.type === 'executing' && m.data?.node === '2');

      const reconnected = nextConnectionChange(gw.events, false).then(() => nextConnectionChange(gw!.events, true));
      sim.faults.dropWebSockets();
      await reconnected;

      const rest = await socket.until((m) => m.type === 'execution_success' && m.data?.prompt_id === promptId);
      expect(rest.map((m) => m.type)).toEqual(['executed', 'execution_success']);
      expect(gw.tracker.get(promptId)?.status).toBe('succeeded');
    } finally {
      await socket.close();
    }
  });

  it('a prompt that ends while the stream is away is caught up from history once it returns', async () => {
    sim = await startSimulator({ port: 0 });
    sim.faults.nodeDelayMs = { SaveImage: 300 };
    gw = await startTestGateway({ comfyui: { url: sim.url, ws_reconnect_min_ms: 10, ws_reconnect_max_ms: 50 } });
    await nextConnectionChange(gw.events, true);
    const socket = await openSocket(`${gw.url.replace(/^http/, 'ws')}/api/v1/ws/c-away`);
    try {
      await socket.next();
      socket.send({ type: 'submit', data: { workflow: workflow('away') } });
      const promptId = (await socket.next()).data?.prompt_id as string;
      await socket.until((m: Message) => m.type === 'executing' && m.data?.node === '2');
      await sim.faults.setRefuseConnections(true);
      // The end is observable on disk, not on the (closed) port: wait for SaveImage's file.
      const saved = path.join(sim.dataDir, 'output', 'away_00001_.png');
      await until(() => existsSync(saved));
      expect(gw.tracker.get(promptId)?.status).toBe('running');
      await sim.faults.setRefuseConnections(false);

      const rest = await socket.until((m) => m.type === 'execution_success' && m.data?.prompt_id === promptId);
      expect(rest.map((m) => m.type)).toEqual(['executed', 'execution_success']);
      expect(rest[0]?.data?.output).toMatchObject({ images: [{ filename: 'away_00001_.png' }] });
      expect(gw.tracker.get(promptId)?.status).toBe('succeeded');
    } finally {
      await socket.close();
    }
  });
});

/** Polls a condition that has no event to wait on (a file another process writes), with a deadline. */
async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
