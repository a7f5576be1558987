// What flows between simulated nodes. IMAGE is ComfyUI's [B,H,W,3] tensor as 8-bit RGB frames;
// the model types are stand-ins that carry just enough to make VAEDecode's picture deterministic.
import type { Folders } from '../paths.js';
import type { JsonObject, JsonValue } from '../py.js';

export interface ImageBatch {
  kind: 'IMAGE';
  width: number;
  height: number;
  /** One RGB buffer (width*height*3 bytes) per batch entry. */
  frames: Buffer[];
}

export interface MaskBatch {
  kind: 'MASK';
  width: number;
  height: number;
  frames: Float32Array[];
}

export interface Latent {
  kind: 'LATENT';
  /** Latent size: pixels ÷ 8. */
  width: number;
  height: number;
  batch: number;
  sampled?: { seed: number; steps: number; positive: string; negative: string; denoise: number };
  /** The picture a VAEEncode started from (img2img). */
  source?: ImageBatch;
}

export interface ModelHandle {
  kind: 'MODEL' | 'CLIP' | 'VAE' | 'UPSCALE_MODEL';
  name: string;
}

export interface Conditioning {
  kind: 'CONDITIONING';
  text: string;
}

/** EmptyAudio's clip: silence, so only its format and length are kept. */
export interface AudioClip {
  kind: 'AUDIO';
  sampleRate: number;
  channels: number;
  /** Samples per channel. */
  samples: number;
}

/** CreateVideo's result: frames at a rate (the optional audio track is not kept). */
export interface Video {
  kind: 'VIDEO';
  images: ImageBatch;
  fps: number;
}

export type NodeValue = ImageBatch | MaskBatch | Latent | ModelHandle | Conditioning | AudioClip | Video | JsonValue;

export interface NodeContext {
  nodeId: string;
  classType: string;
  folders: Folders;
  prompt: JsonObject;
  extraData: JsonObject;
  /** Waits for one unit of simulated work; it is not interruptible, like real node work. */
  sleep(ms: number): Promise<void>;
  /** A progress-bar tick: checks the interrupt flag, then sends progress_state + progress. */
  progress(value: number, max: number): void;
  stepMs(): number;
}

export interface NodeResult {
  outputs: NodeValue[];
  ui?: JsonObject;
}

export interface NodeImpl {
  run(inputs: Record<string, NodeValue>, ctx: NodeContext): Promise<NodeResult>;
  /** IS_CHANGED: part of the cache key (LoadImage hashes its file). */
  isChanged?(inputs: JsonObject, folders: Folders): string;
}

/** A Python exception raised while a node runs; becomes execution_error. */
export class NodeError extends Error {
  constructor(readonly pyType: string, message: string, readonly traceback: string[] = []) {
    super(message);
  }
}
