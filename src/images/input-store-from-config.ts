// The composition of the input store from the configuration (folders.input, limits.image_pixels,
// images.input_store), for server.ts.
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { createInputStore, type InputStore } from './input-store.js';

export function createInputStoreFromConfig(config: Config, log: Logger): Promise<InputStore> {
  const settings = config.images.input_store;
  return createInputStore({
    dir: config.folders.input,
    maxPixels: config.limits.image_pixels,
    limits: {
      maxBytes: settings.max_bytes,
      maxFiles: settings.max_files,
      maxAgeMs: settings.max_age_s * 1000,
      minAgeMs: settings.min_age_s * 1000,
    },
    sweepIntervalMs: settings.sweep_interval_s * 1000,
    log,
  });
}
