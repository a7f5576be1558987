// The shapes the console reads from the gateway's API (the `data` of each envelope).

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'interrupted' | 'cancelled';

export interface JobOutput {
  node: string;
  filename: string;
  subfolder: string;
  type: string;
  url: string;
}

export interface Job {
  prompt_id: string;
  status: JobStatus;
  scenario: string | null;
  client_id: string | null;
  queue_position: number | null;
  progress: { node: string | null; value: number; max: number; percent: number } | null;
  submitted_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  outputs: JobOutput[];
  error: { node: string | null; type: string; message: string } | null;
  caller?: string | null;
  backend?: string | null;
  attempts?: number;
}

export interface WhoAmI {
  auth: boolean;
  caller: string | null;
  admin: boolean;
  scenarios: string[] | null;
}

export interface ScenarioStatus {
  name: string;
  file: string;
  status: 'loaded' | 'loaded-with-warnings' | 'failed' | 'draft';
  summary: string | null;
  version: number | null;
  warnings: string[];
  errors: string[];
  serving_version: number | null;
}

export interface JsonSchema {
  type?: string | string[];
  format?: string;
  description?: string;
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
}

export interface ScenarioField {
  name: string;
  required: boolean;
  default?: unknown;
  to: string[];
  schema: JsonSchema;
}

export interface ScenarioDetail extends Partial<ScenarioStatus> {
  name: string;
  description?: string;
  fields?: ScenarioField[];
  schema?: JsonSchema;
}

export interface Backend {
  name: string;
  url: string;
  up: boolean;
  draining: boolean;
  last_error: string | null;
  /** null where the gateway did not say (keys that may not read the pool see /health only). */
  running: number | null;
  waiting: number | null;
  slots: number | null;
  weight?: number;
  labels?: string[] | Record<string, string>;
  device: { name: string; vram_total: number; vram_free: number } | null;
  nodes: number | null;
  models: Record<string, string[]> | null;
}

/** The pool's view; `pool: false` when it was read from /health (no pool routes, or a key that may not read them). */
export interface Backends {
  backends: Backend[];
  queue: { waiting: number | null };
  pool: boolean;
}
