// ComfyUI's wire types, as recorded from a real ComfyUI in test/fixtures/comfyui/transcripts/. Only what crosses the
// wire; no behaviour.

/** An API-format workflow: node id → node. */
export type Workflow = Record<string, WorkflowNode>;

export interface WorkflowNode {
  class_type: string;
  inputs: Record<string, unknown>;
  _meta?: { title?: string };
}

/** A link from one node's output: [node id, output slot]. */
export type Link = [string, number];

export interface SubmitRequest {
  prompt: Workflow;
  client_id?: string;
  prompt_id?: string;
  extra_data?: Record<string, unknown>;
  front?: boolean;
  number?: number;
}

export interface SubmitResponse {
  prompt_id: string;
  number: number;
  node_errors: Record<string, unknown>;
}

/** [number, prompt_id, prompt, extra_data, outputs_to_execute] */
export type QueueItem = [number, string, Workflow, Record<string, unknown>, string[]];

export interface QueueResponse {
  queue_running: QueueItem[];
  queue_pending: QueueItem[];
}

export interface ImageRef {
  filename: string;
  subfolder: string;
  type: 'output' | 'temp' | 'input';
}

export interface HistoryEntry {
  prompt: QueueItem;
  outputs: Record<string, { images?: ImageRef[]; [key: string]: unknown }>;
  status: { status_str: 'success' | 'error'; completed: boolean; messages: [string, Record<string, unknown>][] };
  meta?: Record<string, unknown>;
}

export type HistoryResponse = Record<string, HistoryEntry>;

export interface UploadResponse {
  name: string;
  subfolder: string;
  type: 'input' | 'temp' | 'output';
}

export type ImageType = 'input' | 'output' | 'temp';

/** A JSON frame of ComfyUI's /ws. */
export interface UpstreamMessage {
  type: string;
  data: Record<string, unknown>;
}

export type ObjectInfo = Record<string, NodeInfo>;

export interface NodeInfo {
  input: { required?: Record<string, InputSpec>; optional?: Record<string, InputSpec>; hidden?: Record<string, unknown> };
  input_order?: Record<string, string[]>;
  output: string[];
  output_node: boolean;
  name: string;
  display_name?: string;
  category?: string;
  [key: string]: unknown;
}

/** `[type]`, `[type, options]`, or a COMBO `[[choices], options?]`. */
export type InputSpec = [string | string[], Record<string, unknown>?];
