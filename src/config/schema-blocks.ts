// What the sections of the gateway.yaml schema share: how a missing section is filled, and a bounded integer.

// A missing section is filled in as {} and then its own defaults apply (ajv's useDefaults walks into it).
// The cast only tells JSONSchemaType that {} is acceptable before the inner defaults land.
export const emptySection = {} as never;

export const positiveInt = (defaultValue: number, maximum = 2 ** 31) =>
  ({ type: 'integer', minimum: 1, maximum, default: defaultValue }) as const;
