// Shared set-up for the simulator's unit tests: a simulator on a free port in a temp folder, a test
// picture, and small workflows in API format.
import sharp from 'sharp';
import { startSimulator, type SimOptions, type Simulator } from '../src/index.js';
import { WsClient, multipart, postJson, request, type HttpResult } from './client.js';

export { WsClient, postJson, request };

export async function startTestSim(opts: SimOptions = {}): Promise<Simulator> {
  return startSimulator({ port: 0, stepMs: 1, ...opts });
}

/** A 64×48 RGB PNG: red rising left to right, green top to bottom. */
export async function testPng(width = 64, height = 48): Promise<Buffer> {
  const px = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) px.set([x * 3, y * 5, 100], (y * width + x) * 3);
  return sharp(px, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

export async function upload(
  sim: Simulator, name: string, data: Buffer, fields: Record<string, string> = {},
): Promise<HttpResult> {
  const mp = multipart([
    { name: 'image', filename: name, value: data, contentType: 'image/png' },
    ...Object.entries(fields).map(([k, v]) => ({ name: k, value: v })),
  ]);
  return request(sim.url, '/upload/image', { method: 'POST', headers: { 'Content-Type': mp.contentType }, body: mp.body });
}

export function invertChain(image = 'test_input.png', prefix = 'inv'): Record<string, unknown> {
  return {
    '1': { class_type: 'LoadImage', inputs: { image } },
    '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
    '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: prefix } },
  };
}

export function emptySave(prefix = 'e', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    '1': { class_type: 'EmptyImage', inputs: { width: 16, height: 8, batch_size: 1, color: 0x102030, ...extra } },
    '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: prefix } },
  };
}

export function text2img(seed = 1, steps = 4, size = 64): Record<string, unknown> {
  return {
    '3': { class_type: 'KSampler', inputs: { seed, steps, cfg: 7, sampler_name: 'euler', scheduler: 'normal', denoise: 1, model: ['4', 0], positive: ['6', 0], negative: ['7', 0], latent_image: ['5', 0] } },
    '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'v1-5-pruned-emaonly-fp16.safetensors' } },
    '5': { class_type: 'EmptyLatentImage', inputs: { width: size, height: size, batch_size: 1 } },
    '6': { class_type: 'CLIPTextEncode', inputs: { text: 'a sunset', clip: ['4', 1] } },
    '7': { class_type: 'CLIPTextEncode', inputs: { text: '', clip: ['4', 1] } },
    '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
    '9': { class_type: 'SaveImage', inputs: { filename_prefix: 't2i', images: ['8', 0] } },
  };
}

/** POSTs a prompt for client `clientId` and returns its prompt_id (asserting a 200). */
export async function submit(sim: Simulator, prompt: unknown, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await postJson(sim.url, '/prompt', { prompt, ...extra });
  if (r.status !== 200) throw new Error(`POST /prompt → ${r.status}: ${r.text()}`);
  return (r.json() as { prompt_id: string }).prompt_id;
}

export interface ImageRef {
  filename: string;
  subfolder: string;
  type: string;
}

export interface HistoryEntry {
  prompt: [number, string, Record<string, { class_type: string; inputs: Record<string, unknown> }>, Record<string, unknown>, string[]];
  outputs: Record<string, { images: ImageRef[] }>;
  status?: { status_str: string; completed: boolean; messages: [string, Record<string, unknown>][] };
  meta: Record<string, unknown>;
}

/** The history entry of a prompt, or an empty object while there is none. */
export async function history(sim: Simulator, promptId: string): Promise<HistoryEntry> {
  const r = await request(sim.url, `/history/${promptId}`);
  return (r.json() as Record<string, HistoryEntry>)[promptId] ?? ({} as HistoryEntry);
}

/** queue_remaining of a status frame. */
export function remaining(data: Record<string, unknown>): number {
  return (data.status as { exec_info: { queue_remaining: number } }).exec_info.queue_remaining;
}

/** Waits (polling GET /history) until the prompt has a history entry. */
export async function waitHistory(sim: Simulator, id: string, timeoutMs = 10_000): Promise<HistoryEntry> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const h = await history(sim, id);
    if (h.prompt) return h;
    if (Date.now() > deadline) throw new Error(`no history for ${id}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
