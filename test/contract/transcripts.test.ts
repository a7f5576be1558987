// The contract suite: every recorded request of a real ComfyUI 0.3.64, replayed in the recorded order
// against one simulator (the recordings were one session: the prompt counter, uploads and history carry
// over from file to file). Each answer must have the recorded status, content type and JSON shape
// (validation errors and node definitions: the recorded bytes); each WebSocket must get the recorded
// sequence of event types.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from 'comfyui-sim';
import { replay, type ReplayState } from './replay.js';
import { loadTranscript, readTestImage } from './transcripts.js';

const FILES = [
  '01_basic_http.json',
  '02_upload.json',
  '03_execute_ws.json',
  '04_errors.json',
  '05_slow_queue_interrupt.json',
  '06_ws_variants.json',
  '07_origin_aliases_misc.json',
  '08_outputs.json',
];

describe('contract: the simulator answers like the recorded ComfyUI', () => {
  let sim: Simulator;
  let state: ReplayState;

  beforeAll(async () => {
    sim = await startSimulator();
    state = { sim, ids: new Map(), testImage: readTestImage() };
  });
  afterAll(async () => {
    await sim?.close();
  });

  for (const file of FILES) {
    it(`replays ${file}`, async () => {
      // The recorded "slow" prompts blur 2048² images; a fixed extra time per blur keeps every recorded
      // request inside the node it was sent during, whatever this machine's speed.
      sim.faults.nodeDelayMs = file.startsWith('05') ? { ImageBlur: 400 } : {};
      const problems = await replay(loadTranscript(file), state);
      expect(problems).toEqual([]);
    }, 60_000);
  }
});
