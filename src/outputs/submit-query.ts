// The query a submitting route documents: the wait (src/jobs/waiter.ts) and the conversion of image outputs
// (src/outputs/convert-options.ts). parseWaitQuery and requestedConversion check the values.
import { waitQuerySchema } from '../jobs/waiter.js';
import type { OutputKind } from './classify.js';
import { convertQueryProperties } from './convert-options.js';

export const submitQuerySchema = {
  type: 'object',
  properties: { ...waitQuerySchema.properties, ...convertQueryProperties },
} as const;

/**
 * A scenario offers `?format=` when its manifest says its result holds pictures (`outputs.kinds` with image or
 * animation) or converts them itself (`outputs.format`): a scenario that makes video or text has nothing to
 * convert, and one that declares nothing keeps the query it always had.
 */
export function offersConversion(scenario: { outputKinds?: readonly OutputKind[] | undefined; convert?: unknown }): boolean {
  return scenario.convert !== undefined || (scenario.outputKinds ?? []).some((kind) => kind === 'image' || kind === 'animation');
}

/** The query a scenario's POST documents. */
export function scenarioQuerySchema(scenario: Parameters<typeof offersConversion>[0]) {
  return offersConversion(scenario) ? submitQuerySchema : waitQuerySchema;
}
