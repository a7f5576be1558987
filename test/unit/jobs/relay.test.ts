// The relay's routing rules over an in-process event source: who gets which event, status changes, image links,
// and events that arrive before the job is recorded.
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { UpstreamEvent, UpstreamEventMap, UpstreamEvents, UpstreamEventType } from '../../../src/comfy/events.js';
import { createClientHub, type ClientSocket } from '../../../src/jobs/client-hub.js';
import { createImageUrlBuilder } from '../../../src/images/image-url.js';
import { createProgressRelay, type ProgressRelay } from '../../../src/jobs/relay.js';
import { createJobTracker, type JobTracker } from '../../../src/jobs/tracker.js';

/** Stands in for the upstream stream only as a source of already-parsed events. */
function eventSource() {
  const listeners = new Map<string, Set<(data: never) => void>>();
  const source: UpstreamEvents = {
    wsUrl: 'ws://unused/ws',
    connected: true,
    on(type, listener) {
      const set = listeners.get(type) ?? new Set();
      listeners.set(type, set);
      set.add(listener as (data: never) => void);
      return () => set.delete(listener as (data: never) => void);
    },
    onAny: () => () => {},
    onConnectionChange: () => () => {},
    ping: () => false,
    lastHeardAt: 0,
    close: async () => {},
  };
  const emit = <K extends UpstreamEventType>(type: K, data: UpstreamEventMap[K]) => {
    for (const listener of listeners.get(type) ?? []) listener(data as never);
  };
  return { source, emit, listenerCount: () => [...listeners.values()].reduce((n, s) => n + s.size, 0) };
}

function socket(baseUrl = 'http://gw.test'): ClientSocket & { received: UpstreamEvent[] } {
  const received: UpstreamEvent[] = [];
  return { baseUrl, received, send: (text) => received.push(JSON.parse(text) as UpstreamEvent) };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('progress relay', () => {
  let relay: ProgressRelay | undefined;
  let tracker: JobTracker;
  afterEach(() => relay?.stop());

  function setup() {
    const { source, emit, listenerCount } = eventSource();
    tracker = createJobTracker();
    const hub = createClientHub();
    const imageUrl = createImageUrlBuilder({ mode: 'gateway', publicUrl: '', comfyuiUrl: 'http://comfy:8188' });
    relay = createProgressRelay({ events: source, tracker, hub, imageUrl, log: pino({ level: 'silent' }) });
    return { emit, hub, listenerCount };
  }

  const record = (promptId: string, clientId: string | undefined) =>
    tracker.record({ promptId, clientId, scenario: undefined, submittedAt: 0, number: 1 });

  it('sends a prompt\'s events to every socket of its client and to no one else', () => {
    const { emit, hub } = setup();
    const [x1, x2, y] = [socket(), socket(), socket()];
    hub.add('X', x1);
    hub.add('X', x2);
    hub.add('Y', y);
    record('p1', 'X');
    emit('execution_start', { prompt_id: 'p1', timestamp: 1 });
    emit('execution_start', { prompt_id: 'stranger', timestamp: 1 });
    expect(x1.received).toEqual([{ type: 'execution_start', data: { prompt_id: 'p1', timestamp: 1 } }]);
    expect(x2.received).toEqual(x1.received);
    expect(y.received).toEqual([]);
  });

  it('drives the status: queued → running → succeeded, and a late executing{node:null} does not reopen it', () => {
    const { emit } = setup();
    const job = record('p1', 'X');
    expect(job.status).toBe('queued');
    emit('execution_start', { prompt_id: 'p1' });
    expect(tracker.get('p1')?.status).toBe('running');
    expect(tracker.get('p1')?.startedAt).toBeTypeOf('number');
    emit('execution_success', { prompt_id: 'p1' });
    emit('executing', { node: null, prompt_id: 'p1' });
    emit('progress', { prompt_id: 'p1', value: 1, max: 2, node: '1' });
    expect(tracker.get('p1')?.status).toBe('succeeded');
    expect(tracker.get('p1')?.finishedAt).toBeTypeOf('number');
  });

  it.each([
    ['execution_error', 'failed'],
    ['execution_interrupted', 'interrupted'],
  ] as const)('%s marks the job %s', (type, status) => {
    const { emit } = setup();
    record('p1', undefined);
    emit(type, { prompt_id: 'p1', node_id: '2' });
    expect(tracker.get('p1')?.status).toBe(status);
  });

  it('gives each output image an absolute gateway download URL for the socket\'s own base', () => {
    const { emit, hub } = setup();
    const [a, b] = [socket('http://a.test'), socket('https://b.test:8443')];
    hub.add('X', a);
    hub.add('X', b);
    record('p1', 'X');
    const images = [{ filename: 'ComfyUI_00001_.png', subfolder: 'sub dir', type: 'output' as const }];
    emit('executed', { prompt_id: 'p1', node: '3', display_node: '3', output: { images } });
    expect(a.received[0]?.data).toMatchObject({
      output: {
        images: [
          {
            ...images[0],
            url: 'http://a.test/api/v1/images/download?filename=ComfyUI_00001_.png&subfolder=sub%20dir&img_type=output',
          },
        ],
      },
    });
    expect((b.received[0]?.data as UpstreamEventMap['executed']).output?.images?.[0]).toMatchObject({
      url: expect.stringMatching(/^https:\/\/b\.test:8443\/api\/v1\/images\/download\?/) as unknown,
    });
  });

  it('relays a cached output node whose output is null unchanged', () => {
    const { emit, hub } = setup();
    const x = socket();
    hub.add('X', x);
    record('p1', 'X');
    emit('executed', { prompt_id: 'p1', node: '3', output: null });
    expect(x.received).toEqual([{ type: 'executed', data: { prompt_id: 'p1', node: '3', output: null } }]);
  });

  it('holds events that arrive before the job is recorded and delivers them first, in order, a turn later', async () => {
    const { emit, hub } = setup();
    const x = socket();
    hub.add('X', x);
    emit('execution_start', { prompt_id: 'early' });
    emit('execution_cached', { prompt_id: 'early', nodes: [] });
    expect(x.received).toEqual([]);
    record('early', 'X');
    // What the submitter's caller does right after record() (submit_success) comes before the held events.
    x.send(JSON.stringify({ type: 'submit_success', data: {} }));
    emit('executing', { prompt_id: 'early', node: '1' });
    await nextTurn();
    expect(x.received.map((m) => m.type)).toEqual(['submit_success', 'execution_start', 'execution_cached', 'executing']);
    expect(tracker.get('early')?.status).toBe('running');
  });

  it('stop() unsubscribes from the stream', () => {
    const { listenerCount } = setup();
    expect(listenerCount()).toBeGreaterThan(0);
    relay?.stop();
    expect(listenerCount()).toBe(0);
  });
});

describe('client hub', () => {
  it('counts sockets per client, forgets empty clients and renders once per base URL', () => {
    const hub = createClientHub();
    const [a, b, c] = [socket('http://one'), socket('http://one'), socket('http://two')];
    const removeA = hub.add('X', a);
    hub.add('X', b);
    hub.add('X', c);
    let renders = 0;
    expect(hub.send('X', (base) => (renders++, JSON.stringify({ type: 't', data: { base } })))).toBe(3);
    expect(renders).toBe(2);
    expect(hub.count('X')).toBe(3);
    removeA();
    removeA();
    expect(hub.count('X')).toBe(2);
    expect(hub.size).toBe(2);
    expect(hub.send('nobody', () => 'x')).toBe(0);
  });
});
