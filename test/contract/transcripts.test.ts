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

/**
 * Each recording starts on an idle server. On a loaded machine a prompt of the previous file may still be running
 * when the next file opens its socket, and its late progress frames would land on that socket.
 */
async function idle(sim: Simulator): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const queue = (await (await fetch(`${sim.url}/queue`)).json()) as { queue_running: unknown[]; queue_pending: unknown[] };
    if (queue.queue_running.length === 0 && queue.queue_pending.length === 0) return;
    if (Date.now() > deadline) throw new Error(`the simulator is still busy after 30 s: ${JSON.stringify(queue).slice(0, 300)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

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
      await idle(sim);
      const problems = await replay(loadTranscript(file), state);
      expect(problems).toEqual([]);
    }, 60_000);
  }
});
