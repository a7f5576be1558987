// ComfyUI's /ws frames → typed messages (frames of a real ComfyUI are recorded in
// test/fixtures/comfyui/transcripts/03_execute_ws.json and 06_ws_variants.json). A frame that does not have the shape
// we rely on becomes undefined rather than an exception: one odd frame from a newer ComfyUI must not stop the stream.
import type { ImageRef } from './types.js';

export interface StatusData {
  status: { exec_info: { queue_remaining: number } };
  /** Only on the first frame after connecting. */
  sid?: string;
}

export interface PromptEventData {
  prompt_id: string;
  timestamp?: number;
  [key: string]: unknown;
}

export interface ExecutionCachedData extends PromptEventData {
  nodes: string[];
}

export interface ExecutingData {
  /** null: the prompt has finished (sent after execution_success/error). */
  node: string | null;
  display_node?: string;
  /** Missing in the frame ComfyUI sends to a reconnecting socket while a node runs. */
  prompt_id?: string;
}

export interface ProgressData extends PromptEventData {
  value: number;
  max: number;
  node: string | null;
}

export interface ExecutedData extends PromptEventData {
  node: string;
  display_node?: string;
  /** The node's ui dict; null for a cached output node that had none. */
  output: ({ images?: ImageRef[] } & Record<string, unknown>) | null;
}

export interface ExecutionErrorData extends PromptEventData {
  node_id?: string;
  node_type?: string;
  exception_message?: string;
  exception_type?: string;
}

/** Every event type the gateway reads, with its data. */
export interface UpstreamEventMap {
  status: StatusData;
  execution_start: PromptEventData;
  execution_cached: ExecutionCachedData;
  executing: ExecutingData;
  progress: ProgressData;
  progress_state: PromptEventData;
  executed: ExecutedData;
  execution_success: PromptEventData;
  execution_error: ExecutionErrorData;
  execution_interrupted: ExecutionErrorData;
}

export type UpstreamEventType = keyof UpstreamEventMap;

export type UpstreamEvent = { [K in UpstreamEventType]: { type: K; data: UpstreamEventMap[K] } }[UpstreamEventType];

type Check = (data: Record<string, unknown>) => boolean;

const hasPromptId: Check = (d) => typeof d.prompt_id === 'string';

// What each known type must carry for its consumers to work; anything else in `data` passes through untouched.
const checks: Record<UpstreamEventType, Check> = {
  status: (d) => isObject(d.status),
  execution_start: hasPromptId,
  execution_cached: (d) => hasPromptId(d) && Array.isArray(d.nodes),
  executing: (d) =>
    (d.node === null || typeof d.node === 'string') && (d.prompt_id === undefined || typeof d.prompt_id === 'string'),
  progress: (d) => hasPromptId(d) && typeof d.value === 'number' && typeof d.max === 'number',
  progress_state: hasPromptId,
  executed: (d) => hasPromptId(d) && typeof d.node === 'string' && (d.output === null || isObject(d.output)),
  execution_success: hasPromptId,
  execution_error: hasPromptId,
  execution_interrupted: hasPromptId,
};

export function isKnownEventType(type: string): type is UpstreamEventType {
  return Object.hasOwn(checks, type);
}

export type ParsedFrame =
  | { kind: 'event'; event: UpstreamEvent }
  /** A well-formed frame of a type the gateway does not use (feature_flags, logs, a newer event). */
  | { kind: 'other'; type: string; data: unknown }
  | { kind: 'invalid'; reason: string };

/** One text frame. Never throws. */
export function parseTextFrame(text: string): ParsedFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'invalid', reason: 'not JSON' };
  }
  if (!isObject(value) || typeof value.type !== 'string') return { kind: 'invalid', reason: 'no type' };
  const { type, data } = value;
  if (!isKnownEventType(type)) return { kind: 'other', type, data };
  if (!isObject(data) || !checks[type](data)) return { kind: 'invalid', reason: `${type} with an unexpected shape` };
  return { kind: 'event', event: { type, data } as UpstreamEvent };
}

/** Binary frame types, as ComfyUI sends them: a big-endian u32 type, then the payload. */
export const BINARY_PREVIEW_IMAGE = 1;
export const BINARY_TEXT = 3;
export const BINARY_PREVIEW_WITH_METADATA = 4;

/** The type of a binary frame, or undefined when it is too short to have one. */
export function binaryFrameType(frame: Uint8Array): number | undefined {
  if (frame.byteLength < 4) return undefined;
  return new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(0, false);
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
