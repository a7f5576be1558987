// `npm run fuzz [-- --runs 20000] [--seed N]`: the fuzz properties of test/fuzz, run long against a fresh gateway
// and simulator. Prints the seed and the counterexample when a property fails (replay it with --seed).
import fc from 'fast-check';
import { protocolProperty, routeProperty, scenarioProperty } from '../test/fuzz/properties.js';
import { startFuzzTarget } from '../test/fuzz/fuzz-target.js';

function option(name: string): number | undefined {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : Number.NaN;
  return Number.isFinite(value) ? value : undefined;
}

async function main(): Promise<void> {
  const runs = option('runs') ?? 5_000;
  const seed = option('seed') ?? Date.now();
  const target = await startFuzzTarget();
  let failed = false;
  try {
    const started = performance.now();
    const report = <T,>(name: string, result: fc.RunDetails<T>) => {
      console.log(`${name}: ${result.numRuns} cases${result.failed ? ' — FAILED' : ' ok'}`);
      if (result.failed) {
        failed = true;
        console.log(fc.defaultReportMessage(result));
      }
    };
    report('routes', await fc.check(routeProperty(target), { numRuns: Math.round(runs * 0.5), seed }));
    const scenarios = scenarioProperty(target, (n) => target.fields(n));
    report('scenarios (dry run)', await fc.check(scenarios, { numRuns: Math.round(runs * 0.25), seed }));
    report('protocol (methods, encodings, charsets, framing)', await fc.check(protocolProperty(target), { numRuns: Math.round(runs * 0.25), seed }));
    console.log(`seed ${seed}, ${runs} cases in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await target.close();
  }
  process.exit(failed ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
