// The usual integration setup: a ComfyUI simulator and the real gateway in front of it, closed together.
import type { Config, DeepPartial } from '../../src/config.js';
import { startSimulator, type SimOptions, type Simulator } from 'comfyui-sim';
import { startTestGateway, type TestGateway } from './gateway.js';

export interface Stack {
  sim: Simulator;
  gw: TestGateway;
  /** Closes the gateway, then the simulator. */
  close(): Promise<void>;
}

/**
 * Starts the simulator (on a free port unless `simOptions` says otherwise), then a gateway whose `comfyui.url` is the
 * simulator's, with `overrides` merged into the test configuration.
 */
export async function startStack(overrides: DeepPartial<Config> = {}, simOptions: SimOptions = {}): Promise<Stack> {
  const sim = await startSimulator({ port: 0, ...simOptions });
  let gw: TestGateway;
  try {
    gw = await startTestGateway({ ...overrides, comfyui: { ...overrides.comfyui, url: sim.url } });
  } catch (error) {
    await sim.close();
    throw error;
  }
  return {
    sim,
    gw,
    async close() {
      await gw.close();
      await sim.close();
    },
  };
}
