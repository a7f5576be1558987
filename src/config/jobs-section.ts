// The jobs section of gateway.yaml: waiting for a job, following it, retrying it and its priority.
import type { JSONSchemaType } from 'ajv';
import { emptySection, positiveInt } from './schema-blocks.js';

export interface JobsConfig {
  /** `?wait=true`: the longest a caller may wait, and the wait without `timeout`, in seconds. */
  wait_timeout_max_s: number;
  wait_timeout_default_s: number;
  /** The watchdog polls ComfyUI for open jobs when its event stream is down or this long silent. */
  watchdog_silence_ms: number;
  poll_interval_ms: number;
  /** Copy finished results to output/<prompt_id>/. */
  mirror_outputs: boolean;
  /** `?output=base64`: the most image bytes one answer carries; more stay URLs. */
  base64_max_bytes: number;
  /** Sends of one job (its first included) when the backend running it dies; then it fails. */
  max_attempts: number;
  /** A job waiting in the gateway's queue while no backend is up fails after this long. */
  queue_timeout_s: number;
  /** The priority of a job whose request and manifest name none. */
  default_priority: number;
}

export const jobsSchema: JSONSchemaType<JobsConfig> = {
  type: 'object',
  additionalProperties: false,
  default: emptySection,
  required: [
    'wait_timeout_max_s',
    'wait_timeout_default_s',
    'watchdog_silence_ms',
    'poll_interval_ms',
    'mirror_outputs',
    'base64_max_bytes',
    'max_attempts',
    'queue_timeout_s',
    'default_priority',
  ],
  properties: {
    wait_timeout_max_s: positiveInt(300, 86_400),
    wait_timeout_default_s: positiveInt(60, 86_400),
    watchdog_silence_ms: positiveInt(15_000),
    poll_interval_ms: positiveInt(2_000),
    mirror_outputs: { type: 'boolean', default: false },
    base64_max_bytes: positiveInt(32 * 1024 * 1024),
    max_attempts: positiveInt(2, 100),
    queue_timeout_s: positiveInt(600, 86_400),
    default_priority: { type: 'integer', minimum: -1000, maximum: 1000, default: 0 },
  },
};
