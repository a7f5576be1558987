// The recordings of a real ComfyUI 0.3.64 (test/fixtures/comfyui/transcripts, kept in the repository: they are
// facts about ComfyUI's protocol): where they are and what they hold. COMFY_TRANSCRIPTS points at another copy,
// e.g. a fresh recording; a missing file is an error, never a skipped suite.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const TRANSCRIPTS_DIR =
  process.env.COMFY_TRANSCRIPTS ?? fileURLToPath(new URL('../fixtures/comfyui/transcripts/', import.meta.url));

export interface RecordedBody {
  json?: unknown;
  raw?: string;
  text?: string;
  binary_bytes?: number;
  first16_hex?: string;
  /** 08_outputs.json records a downloaded file as its size and first bytes. */
  bytes?: number;
  head_hex?: string;
}

export interface HttpEvent {
  kind: 'http';
  t_ms: number;
  note?: string;
  request: { method: string; path: string; headers: Record<string, string>; body?: unknown; body_raw?: string; body_desc?: string };
  response: { status: number; headers: Record<string, string>; body: RecordedBody };
}

export interface WsFrameEvent {
  kind: 'ws';
  url: string;
  json?: { type: string; data: Record<string, unknown> };
  binary?: boolean;
}

export type RecordedEvent =
  | HttpEvent
  | WsFrameEvent
  | { kind: 'ws-open'; url: string; negotiated_extensions?: string }
  | { kind: 'ws-close'; url: string }
  | { kind: 'ws-sent'; url: string; json: unknown }
  | { kind: 'ws-rejected'; status: number; note?: string };

function readRecording(name: string): Buffer {
  const file = path.join(TRANSCRIPTS_DIR, name);
  try {
    return readFileSync(file);
  } catch (error) {
    throw new Error(`the contract suite needs the recording ${file}: ${(error as Error).message}`);
  }
}

export function loadTranscript(name: string): RecordedEvent[] {
  return JSON.parse(readRecording(name).toString('utf8')) as RecordedEvent[];
}

export function readTestImage(): Buffer {
  return readRecording('test_input.png');
}
