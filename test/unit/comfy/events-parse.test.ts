// Frames from ComfyUI's /ws → typed events; odd frames become 'invalid' or 'other', never exceptions.
import { describe, expect, it } from 'vitest';
import { binaryFrameType, parseTextFrame } from '../../../src/comfy/events-parse.js';
import { upstreamWsUrl } from '../../../src/comfy/events.js';

describe('parseTextFrame', () => {
  it('types the events of a run as recorded from ComfyUI', () => {
    const frames = [
      '{"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 0}}, "sid": "test"}}',
      '{"type": "execution_start", "data": {"prompt_id": "p1", "timestamp": 1}}',
      '{"type": "execution_cached", "data": {"nodes": [], "prompt_id": "p1", "timestamp": 2}}',
      '{"type": "executing", "data": {"node": "3", "display_node": "3", "prompt_id": "p1"}}',
      '{"type": "progress", "data": {"value": 1, "max": 20, "prompt_id": "p1", "node": "3"}}',
      '{"type": "executed", "data": {"node": "3", "display_node": "3", "output": {"images": [{"filename": "a.png", "subfolder": "", "type": "output"}]}, "prompt_id": "p1"}}',
      '{"type": "execution_success", "data": {"prompt_id": "p1", "timestamp": 3}}',
      '{"type": "executing", "data": {"node": null, "prompt_id": "p1"}}',
    ];
    const parsed = frames.map(parseTextFrame);
    expect(parsed.map((f) => f.kind)).toEqual(Array(frames.length).fill('event'));
    const executed = parsed[5];
    expect(executed).toMatchObject({ kind: 'event', event: { type: 'executed', data: { node: '3' } } });
  });

  it('accepts the reconnect-time executing frame without prompt_id and a cached node with output null', () => {
    expect(parseTextFrame('{"type":"executing","data":{"node":"2"}}').kind).toBe('event');
    expect(parseTextFrame('{"type":"executed","data":{"node":"3","output":null,"prompt_id":"p"}}').kind).toBe('event');
  });

  it('passes frames of types it does not use through as other', () => {
    expect(parseTextFrame('{"type":"feature_flags","data":{"max_upload_size":104857600.0}}')).toEqual({
      kind: 'other',
      type: 'feature_flags',
      data: { max_upload_size: 104857600 },
    });
  });

  it.each([
    ['not JSON', '{"type": "status"'],
    ['an array', '[1, 2]'],
    ['no type', '{"data": {}}'],
    ['a known type without prompt_id', '{"type":"execution_start","data":{"timestamp":1}}'],
    ['progress without numbers', '{"type":"progress","data":{"prompt_id":"p","value":"1","max":2}}'],
    ['data not an object', '{"type":"execution_success","data":"p1"}'],
    ['executed with a string output', '{"type":"executed","data":{"node":"3","output":"x","prompt_id":"p"}}'],
  ])('calls %s invalid', (_name, text) => {
    expect(parseTextFrame(text).kind).toBe('invalid');
  });
});

describe('binaryFrameType', () => {
  it('reads the big-endian u32 type of a preview frame', () => {
    const frame = Buffer.from([0, 0, 0, 1, 0, 0, 0, 2, 0x89, 0x50]);
    expect(binaryFrameType(frame)).toBe(1);
    expect(binaryFrameType(frame.subarray(0, 3))).toBeUndefined();
  });
});

describe('upstreamWsUrl', () => {
  it('derives /ws with the client id from the HTTP base, keeping a path prefix', () => {
    expect(upstreamWsUrl('http://127.0.0.1:8188', 'gw-1')).toBe('ws://127.0.0.1:8188/ws?clientId=gw-1');
    expect(upstreamWsUrl('https://host/comfy/', 'a b')).toBe('wss://host/comfy/ws?clientId=a+b');
  });
});
