// What the route handlers share: the simulator's state, passed in (no module-level state).
import type { Catalogue } from '../catalogue.js';
import type { SimFaults } from '../faults.js';
import type { Folders } from '../paths.js';
import type { PromptQueue } from '../prompt-queue.js';
import type { JsonObject } from '../py.js';

export interface RouteContext {
  folders: Folders;
  catalogue: Catalogue;
  queue: PromptQueue;
  faults: SimFaults;
  /** PromptServer.number: the counter behind `number` when a POST gives none. */
  counter: { value: number };
  interrupt: { requested: boolean };
  maxUploadSize: number;
  serverFeatures(): JsonObject;
  argv(): string[];
}

/** json.loads of a request body; any failure is an uncaught exception in the real handler (→ 500). */
export function parseJsonBody(body: Buffer): unknown {
  return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
}
