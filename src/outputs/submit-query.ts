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

/** `?put_url=<url>` (repeatable): PUT the n-th file of the result to the n-th URL. */
export const putUrlQueryProperty = {
  put_url: {
    type: 'array',
    items: { type: 'string', minLength: 1, maxLength: 2048 },
    maxItems: 16,
    description:
      'Repeatable: PUT the first file of the result to the first URL, the second to the second… (your own presigned ' +
      'upload URLs; needs outputs.put.enabled). Loopback and private addresses are refused unless allowed.',
  },
} as const;

export const submitQuerySchema = {
  type: 'object',
  properties: { ...waitQuerySchema.properties, ...convertQueryProperties, ...deliverQueryProperty, ...putUrlQueryProperty },
} as const;

/** The URLs of `?put_url=`, in order, or undefined. */
export function requestedPutUrls(query: Record<string, unknown>): string[] | undefined {
  const raw = query.put_url;
  const list = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter((url): url is string => typeof url === 'string' && url !== '');
  return list.length ? list : undefined;
}

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
