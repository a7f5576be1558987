// The real gateway in front of the simulator, with the shipped scenarios, as the fuzz properties' target: started
// here for `npm test` and for `npm run fuzz` alike.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonSchema } from '../../src/http/json-schema.js';
import { startSimulator, type Simulator } from 'comfyui-sim';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import type { FuzzTarget } from './properties.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface RunningTarget extends FuzzTarget {
  gateway: TestGateway;
  sim: Simulator;
  fields(name: string): Record<string, JsonSchema>;
  close(): Promise<void>;
}

export async function startFuzzTarget(): Promise<RunningTarget> {
  const sim = await startSimulator({ port: 0, stepMs: 1 });
  const gateway = await startTestGateway({
    comfyui: { url: sim.url, request_timeout_ms: 5_000 },
    folders: { scenarios: path.join(root, 'scenarios'), templates: path.join(root, 'templates') },
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
    },
  };
}
