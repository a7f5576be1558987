// What the document needs from the scenario registry. Declared here, structurally, so that the registry
// (src/scenarios) satisfies it without either side importing the other's internals.
import type { OutputKind } from '../outputs/classify.js';
import type { JsonSchema } from '../http/json-schema.js';

export interface ScenarioDocLike {
  /** The scenario's name, reported back in `data.scenario`. */
  readonly name: string;
  /** The full path (`/api/v1/scenarios/cpu_quickly`), or just the segment after /api/v1/scenarios/. */
  readonly route: string;
  readonly summary?: string | undefined;
  readonly description?: string | undefined;
  readonly tags?: readonly string[] | undefined;
  /** The exact object the validator compiled: documented as-is, never copied or edited, so docs and checks agree. */
  readonly requestSchema: JsonSchema;
  /** With image fields: the multipart/form-data body (image fields as file parts), derived from requestSchema. */
  readonly formSchema?: JsonSchema | undefined;
  /** A request body that passes requestSchema. */
  readonly example?: unknown;
  /** The success message the scenario answers with. */
  readonly message?: string | undefined;
  /** `outputs: {kinds}`: the kinds of output its result holds. */
  readonly outputKinds?: readonly OutputKind[] | undefined;
  /** `outputs: {format}`: its image outputs are converted by default. */
  readonly convert?: unknown;
}

export interface ScenarioSnapshotLike {
  /** Grows with every swap: the document cache is keyed by it. */
  readonly version: number;
  /** The registry keeps a Map by name; a plain list does as well. */
  readonly scenarios: ReadonlyMap<string, ScenarioDocLike> | readonly ScenarioDocLike[];
}

export function scenarioList(scenarios: ScenarioSnapshotLike['scenarios']): readonly ScenarioDocLike[] {
  return Array.isArray(scenarios) ? scenarios : [...(scenarios as ReadonlyMap<string, ScenarioDocLike>).values()];
}

export interface ScenarioDocSource {
  current(): ScenarioSnapshotLike;
}
