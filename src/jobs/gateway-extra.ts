// What the gateway keeps with each prompt it submits, under extra_data.gateway: who asked (client_id, owner), for
// which scenario, when, its result nodes and whether its results are mirrored. ComfyUI stores extra_data with the
// prompt and hands it back in its queue and history, so a job can be rebuilt after a gateway restart (or by another
// gateway) and the queue shows each caller its own prompts only. This is the one writer and the one reader; what
// comes back from ComfyUI is checked field by field, since anyone who can reach ComfyUI can submit a prompt.

/** The key under extra_data where the gateway keeps its own metadata. */
export const GATEWAY_EXTRA_KEY = 'gateway';

/** extra_data.gateway as stored (ComfyUI's JSON, hence snake_case). */
export interface GatewayExtra {
  /** The caller's client_id; null when it gave none. */
  client_id: string | null;
  scenario: string | null;
  /** ms since the epoch. */
  submitted_at: number;
  /** The submitting caller's id; absent on a single-tenant gateway. */
  owner?: string;
  /** The scenario's result nodes (manifest `outputs`). */
  outputs?: string[];
  mirror?: true;
}

export interface GatewayExtraInput {
  clientId: string | undefined;
  scenario: string | undefined;
  submittedAt: number;
  owner?: string | undefined;
  mirror?: boolean;
  /** Further fields stored as given (a scenario's result nodes come as `outputs`). */
  meta?: Record<string, unknown> | undefined;
}

/** The extra_data to submit a prompt with. */
export function writeGatewayExtra(input: GatewayExtraInput): Record<string, unknown> {
  return {
    [GATEWAY_EXTRA_KEY]: {
      client_id: input.clientId ?? null,
      scenario: input.scenario ?? null,
      submitted_at: input.submittedAt,
      ...input.meta,
      // The owner travels with the prompt, so a job rebuilt after a restart stays its caller's alone.
      ...(input.owner !== undefined ? { owner: input.owner } : {}),
      // Kept with the prompt, so a job recovered after a restart still links to its copy.
      ...(input.mirror === true ? { mirror: true } : {}),
    },
  };
}

/**
 * The gateway's metadata in a prompt's extra_data as ComfyUI returned it. A field is absent when it is missing or
 * of the wrong type; all of them are absent for a prompt submitted around the gateway.
 */
export function readGatewayExtra(extraData: unknown): Partial<GatewayExtra> {
  const stored = isRecord(extraData) ? extraData[GATEWAY_EXTRA_KEY] : undefined;
  if (!isRecord(stored)) return {};
  const read: Partial<GatewayExtra> = {};
  if (typeof stored.client_id === 'string' || stored.client_id === null) read.client_id = stored.client_id;
  if (typeof stored.scenario === 'string' || stored.scenario === null) read.scenario = stored.scenario;
  if (typeof stored.submitted_at === 'number') read.submitted_at = stored.submitted_at;
  if (typeof stored.owner === 'string') read.owner = stored.owner;
  if (Array.isArray(stored.outputs) && stored.outputs.every((node) => typeof node === 'string')) {
    read.outputs = stored.outputs as string[];
  }
  if (stored.mirror === true) read.mirror = true;
  return read;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
