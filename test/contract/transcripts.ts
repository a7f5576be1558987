// The recordings of a real ComfyUI 0.3.64 (shared/comfyui/transcripts): where they are and what they hold.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const TRANSCRIPTS_DIR = process.env.COMFY_TRANSCRIPTS ?? path.resolve(repoRoot, '..', 'shared', 'comfyui', 'transcripts');
export const HAVE_TRANSCRIPTS = existsSync(path.join(TRANSCRIPTS_DIR, '01_basic_http.json'));

export interface RecordedBody {
  json?: unknown;
  raw?: string;
  text?: string;
  binary_bytes?: number;
  first16_hex?: string;
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
  | { kind: 'ws-open'; url: string }
  | { kind: 'ws-close'; url: string }
  | { kind: 'ws-sent'; url: string; json: unknown }
  | { kind: 'ws-rejected'; status: number; note?: string };

export function loadTranscript(name: string): RecordedEvent[] {
  return JSON.parse(readFileSync(path.join(TRANSCRIPTS_DIR, name), 'utf8')) as RecordedEvent[];
}

export function readTestImage(): Buffer {
  return readFileSync(path.join(TRANSCRIPTS_DIR, 'test_input.png'));
}
