// What a job produced: conversions, the copies in output/, their delivery to sinks and their expiry.
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { ComfyClient } from '../comfy/client.js';
import type { JobTracker } from '../jobs/tracker.js';
import { createOutputMirror, type OutputMirror } from '../jobs/mirror.js';
import { createConverter, type Converter } from '../outputs/convert.js';
import { createOutputDeliveries, type OutputDeliveries } from '../outputs/delivery.js';
import { createRetention, type Retention } from '../outputs/retention.js';
import { createPutterFromConfig, createSinks } from '../outputs/sinks.js';

export interface Outputs {
  converter: Converter;
  mirror: OutputMirror;
  putter: ReturnType<typeof createPutterFromConfig>;
  deliveries: OutputDeliveries;
  retention: Retention;
}

export function createOutputs(deps: {
  config: Config;
  tracker: JobTracker;
  comfy: ComfyClient;
  log: Logger;
  env: NodeJS.ProcessEnv;
}): Outputs {
  const { config, tracker, comfy, log } = deps;
  // `?format=` conversions of image outputs, a few at a time (src/outputs/convert.ts).
  const converter = createConverter({
    concurrency: config.outputs.convert_concurrency,
    maxPixels: config.limits.image_pixels,
  });
  // Always listening: any scenario may ask for mirroring (outputs.mirror), and a reload may add one at any time.
  const mirror = createOutputMirror({ tracker, comfy, outputDir: config.folders.output, log });
  // Outputs uploaded to the configured sinks (src/outputs/delivery.ts); the mirror keeps the files meanwhile.
  const putter = createPutterFromConfig(config.outputs.put);
  const deliveries = createOutputDeliveries({
    putter,
    tracker,
    comfy,
    converter,
    outputDir: config.folders.output,
    sinks: createSinks(config.outputs, deps.env),
    settings: config.outputs.delivery,
    log,
    copiesWritten: () => mirror.idle(),
  });
  // Copies in output/ expire and stay under a cap, except those a delivery still needs (src/outputs/retention.ts).
  const retention = createRetention({
    outputDir: config.folders.output,
    settings: config.outputs,
    needsCopy: (promptId) => deliveries.needsCopy(promptId),
    log,
  });
  return { converter, mirror, putter, deliveries, retention };
}
