// Property-based fuzzing of every static route (from gateway.specs) and of the shipped scenarios (dry run): a few
// hundred cases here; `npm run fuzz -- --runs 20000` runs the same properties long (scripts/fuzz.ts).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { protocolProperty, routeProperty, scenarioProperty } from './properties.js';
import { startFuzzTarget, type RunningTarget } from './fuzz-target.js';

describe('fuzz', () => {
  let target: RunningTarget;
  beforeAll(async () => {
    target = await startFuzzTarget();
  });
  afterAll(async () => target?.close());

  it('every static route answers the envelope, with the catalogue\'s status, never a 500', async () => {
    expect(target.specs.length).toBeGreaterThan(5);
    await fc.assert(routeProperty(target), { numRuns: 220 });
  }, 60_000);

  it('scenario bodies (dry run) are validated into a 200 or a 4xx envelope, never a 500', async () => {
    expect(target.scenarioNames().length).toBeGreaterThan(0);
    await fc.assert(scenarioProperty(target, (name) => target.fields(name)), { numRuns: 100 });
  }, 60_000);

  it('hostile methods, encodings, charsets and multipart framing answer the envelope, never a 500', async () => {
    await fc.assert(protocolProperty(target), { numRuns: 150 });
  }, 60_000);
});
