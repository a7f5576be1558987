// The real gateway in front of the simulator, with the shipped scenarios, as the fuzz properties' target: started
// here for `npm test` and for `npm run fuzz` alike.
import type { JsonSchema } from '../../src/http/json-schema.js';
import { startSimulator, type Simulator } from 'comfyui-sim';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import type { FuzzTarget } from './properties.js';
import { SHIPPED_SCENARIOS, copyShippedScenarios } from '../helpers/shipped-scenarios.js';


export interface RunningTarget extends FuzzTarget {
  gateway: TestGateway;
  sim: Simulator;
  fields(name: string): Record<string, JsonSchema>;
  close(): Promise<void>;
}

export async function startFuzzTarget(): Promise<RunningTarget> {
  const shipped = await copyShippedScenarios(SHIPPED_SCENARIOS);
  const sim = await startSimulator({ port: 0, stepMs: 1 });
  const gateway = await startTestGateway({
    comfyui: { url: sim.url, request_timeout_ms: 5_000 },
    folders: shipped.folders,
  });
  return {
    url: gateway.url,
    specs: gateway.specs,
    gateway,
    sim,
    scenarioNames: () => [...gateway.registry.current().scenarios.keys()],
    fields(name) {
      const scenario = gateway.registry.current().scenarios.get(name);
      return Object.fromEntries((scenario?.fields ?? []).map((field) => [field.name, field.schema]));
    },
    async close() {
      await gateway.close();
      await sim.close();
      await shipped.remove();
    },
  };
}
