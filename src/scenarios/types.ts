// The shapes the scenario engine hands around. A compiled scenario is immutable once built: requests, the
// OpenAPI builder and the list route all read the same objects from one snapshot.
import type { OutputKind } from '../outputs/classify.js';
import type { ConvertSpec } from '../outputs/convert-options.js';
import type { ValidateFunction } from 'ajv';
import type { Workflow } from '../comfy/types.js';
import type { JsonSchema } from '../http/json-schema.js';

/** What the OpenAPI document needs about one scenario (src/openapi reads these from every snapshot). */
export interface ScenarioDoc {
  /** The URL segment: `POST /api/v1/scenarios/{name}`. */
  name: string;
  /** The full path, `/api/v1/scenarios/<name>`. */
  route: string;
  summary: string;
  description: string;
  tags: readonly string[];
  /** The exact object the body validator was compiled from. */
  requestSchema: JsonSchema;
  /** With image fields: the multipart/form-data body, derived from requestSchema when the scenario compiled. */
  formSchema?: JsonSchema;
  /** A request body that passes the validator. */
  example: Record<string, unknown>;
  /** The success message of the manifest (or the gateway's default when it has none). */
  message: string;
  /** The snapshot version in which this scenario was compiled; changes whenever its manifest or workflow does. */
  version: number;
}

/** One place a field's value is written: `workflow[node].inputs[input]`. */
export interface Target {
  node: string;
  input: string;
}

/** One value of the manifest's `set:`, already written into the scenario's workflow. */
export interface FixedValue extends Target {
  value: string | number | boolean;
  /** The `set:` key as written (for messages pointing at it). */
  key: string;
}

export interface CompiledField {
  name: string;
  /** The field's JSON Schema (as it appears in requestSchema.properties). */
  schema: JsonSchema;
  required: boolean;
  default?: unknown;
  /** The value meaning "draw a random seed". */
  randomIf?: unknown;
  /** `format: image`: the value may be a file name, a data URL, base64 or an http(s) URL, resolved before building. */
  image?: boolean;
  targets: readonly Target[];
}

export interface CompiledScenario extends ScenarioDoc {
  /** The manifest, relative to the folder above scenarios/ (e.g. `scenarios/cpu_quickly.yaml`). */
  file: string;
  /** The workflow file it uses, shown the same way. */
  workflowFile: string;
  workflow: Readonly<Workflow>;
  fields: readonly CompiledField[];
  /** `draft: true`: checked and listed, never served. */
  draft: boolean;
  /** The manifest's `set:` values (already in `workflow`). */
  fixed: readonly FixedValue[];
  outputs: readonly string[];
  /** `outputs: {mirror: true}`: its jobs' results are copied to the gateway's output folder (src/jobs/mirror.ts). */
  mirror: boolean;
  /** The manifest's `webhook`: where jobs report their end unless the request names its own URL. */
  webhook?: string;
  /** `outputs: {format, quality, max_side}`: image outputs offered converted unless the request asks otherwise. */
  convert?: ConvertSpec;
  /** `outputs: {kinds}`: what the result holds; the documented answer names only these. */
  outputKinds?: readonly OutputKind[];
  /** `outputs: {deliver}`: sinks every job of it delivers to. */
  deliver?: readonly string[];
  /** The manifest's message, if it has one (else the route answers the gateway's own text). */
  customMessage: string | undefined;
  validate: ValidateFunction;
  warnings: readonly string[];
}

/** `draft`: the manifest says `draft: true`; it is checked like any other but serves no route. */
export type ScenarioState = 'loaded' | 'loaded-with-warnings' | 'failed' | 'draft';

/** The state of one manifest file, as GET /api/v1/scenarios shows it. */
export interface ScenarioStatus {
  file: string;
  /** The route the manifest claims (its `route`, else its file name). */
  name: string;
  state: ScenarioState;
  warnings: readonly string[];
  errors: readonly string[];
  /** When failed: the version still answering requests (the last good one), if any. */
  servingVersion: number | undefined;
}

export interface Problem {
  file: string;
  severity: 'error' | 'warning';
  message: string;
}

/** An immutable view of every scenario. A reload builds the next one beside it and swaps one reference. */
export interface Snapshot {
  version: number;
  /** Serving scenarios by name (URL segment). */
  scenarios: ReadonlyMap<string, CompiledScenario>;
  /** Every manifest file, by its relative path. */
  statuses: ReadonlyMap<string, ScenarioStatus>;
  problems: readonly Problem[];
}
