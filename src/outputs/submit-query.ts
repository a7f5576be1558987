// The query a submitting route documents: the wait (src/jobs/waiter.ts) and the conversion of image outputs
// (src/outputs/convert-options.ts). parseWaitQuery and requestedConversion check the values.
import { waitQuerySchema } from '../jobs/waiter.js';
import type { OutputKind } from './classify.js';
import { convertQueryProperties } from './convert-options.js';

/** `?deliver=archive,backup`: the configured sinks (outputs.sinks) the job's outputs go to. */
export const deliverQueryProperty = {
  deliver: {
    type: 'string',
    pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}(,[A-Za-z0-9][A-Za-z0-9_-]{0,63}){0,7}$',
    description:
      'Comma-separated names of configured sinks (outputs.sinks) to upload the job\'s files to once it succeeds; ' +
      'each output then lists its object key and delivery state',
  },
} as const;

export const submitQuerySchema = {
  type: 'object',
  properties: { ...waitQuerySchema.properties, ...convertQueryProperties, ...deliverQueryProperty },
} as const;

/** The sink names of `?deliver=` (their syntax checked by the route's schema), or undefined. */
export function requestedSinks(query: Record<string, unknown>): string[] | undefined {
  const raw = Array.isArray(query.deliver) ? query.deliver[0] : query.deliver;
  if (typeof raw !== 'string' || raw === '') return undefined;
  return [...new Set(raw.split(','))];
}

/**
 * A scenario offers `?format=` when its manifest says its result holds pictures (`outputs.kinds` with image or
 * animation) or converts them itself (`outputs.format`): a scenario that makes video or text has nothing to
 * convert, and one that declares nothing keeps the query it always had.
 */
export function offersConversion(scenario: { outputKinds?: readonly OutputKind[] | undefined; convert?: unknown }): boolean {
  return scenario.convert !== undefined || (scenario.outputKinds ?? []).some((kind) => kind === 'image' || kind === 'animation');
}

/**
 * The query a scenario's POST documents: the wait always, the conversion when it offers one, the delivery when
 * the gateway has sinks (a scenario that names a sink in its manifest delivers there whatever the query says).
 */
export function scenarioQuerySchema(scenario: Parameters<typeof offersConversion>[0], hasSinks = false) {
  return {
    type: 'object',
    properties: {
      ...waitQuerySchema.properties,
      ...(offersConversion(scenario) ? convertQueryProperties : {}),
      ...(hasSinks ? deliverQueryProperty : {}),
    },
  } as const;
}
