// Every static route group, in the order createApp mounts them.
import path from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { RouteGroup } from '../app.js';
import type { ComfyClient } from '../comfy/client.js';
import { poolChanges } from '../console/pool-changes.js';
import { readUiFiles } from '../console/ui-files.js';
import type { RouteSpec } from '../http/define-route.js';
import type { InputStore } from '../images/input-store.js';
import type { ImageInputs } from '../images/resolve-image-input.js';
import type { JobTracker } from '../jobs/tracker.js';
import type { GatewayMetrics } from '../metrics/metrics.js';
import type { Converter } from '../outputs/convert.js';
import type { OutputDeliveries } from '../outputs/delivery.js';
import type { GatewayPool } from '../pool/start-pool.js';
import { backendRoutes } from '../routes/backends.js';
import { consoleRoutes } from '../routes/console.js';
import { deliveryRoutes } from '../routes/deliveries.js';
import { docsRoutes } from '../routes/docs.js';
import { healthRoutes } from '../routes/health.js';
import { imageRoutes } from '../routes/images.js';
import { jobRoutes } from '../routes/jobs.js';
import { metricsRoutes } from '../routes/metrics.js';
import { queueRoutes } from '../routes/queue.js';
import { rootRoutes } from '../routes/root.js';
import { scenarioImages } from '../routes/scenario-images.js';
import { scenarioRoutes } from '../routes/scenarios.js';
import { workflowRoutes } from '../routes/workflows.js';
import type { ScenarioRegistry } from '../scenarios/registry.js';
import type { Security } from '../security/security.js';
import type { PackageInfo } from '../version.js';
import type { JobFollowing } from './job-following.js';
import type { Submission } from './submission.js';

export interface RouteGroupDeps {
  config: Config;
  log: Logger;
  pkg: PackageInfo;
  comfy: ComfyClient;
  pool: GatewayPool;
  tracker: JobTracker;
  metrics: GatewayMetrics | undefined;
  inputs: InputStore;
  deliverInput: (name: string) => Promise<void>;
  images: ImageInputs;
  converter: Converter;
  deliveries: OutputDeliveries;
  following: JobFollowing;
  submitJob: Submission['submitJob'];
  registry: ScenarioRegistry;
  security: Security;
  /** Every static route's spec, known only once createApp has mounted them: read lazily. */
  specs: () => readonly RouteSpec[];
}

export async function createRouteGroups(deps: RouteGroupDeps): Promise<RouteGroup[]> {
  const { config, log, pkg, comfy, pool, tracker, metrics, converter, deliveries, submitJob, registry } = deps;
  const { jobDeps, jobs, jobsClosing } = deps.following;
  const findJob = async (id: string) => jobDeps.tracker.get(id) ?? (await jobDeps.recover(id));
  // Image values in any form (file name, data URL, base64, URL, form part) → a name kept in the input store.
  const scenarioImageStage = scenarioImages({
    images: deps.images,
    maxFileBytes: config.limits.upload_bytes,
    maxFieldsBytes: config.limits.json_body_bytes,
  });
  return [
    rootRoutes({ pkg }),
    healthRoutes({ config, comfy, pool }),
    backendRoutes({
      pool,
      // The console's live backends: read again when a job or a backend's health changes.
      ...(jobDeps.feed
        ? { stream: { changes: poolChanges(pool, jobDeps.feed), closing: jobsClosing, onError: (err) => log.warn({ err }, 'backends stream reading failed') } }
        : {}),
    }),
    ...(metrics ? [metricsRoutes({ metrics })] : []),
    workflowRoutes({ config, comfy, submitJob, tracker, jobs, images: deps.images, pool }),
    queueRoutes({ comfy, tracker, pool }),
    await imageRoutes({
      config,
      comfy,
      store: deps.inputs,
      deliver: deps.deliverInput,
      converter,
      findJob,
    }),
    scenarioRoutes({
      registry,
      submitJob,
      jobs,
      jsonLimitBytes: config.limits.json_body_bytes,
      images: scenarioImageStage,
      imageBodyLimitBytes: config.limits.image_body_bytes,
    }),
    jobRoutes(jobDeps),
    deliveryRoutes({ deliveries, findJob }),
    consoleRoutes({
      files: readUiFiles(path.join(pkg.root, 'ui', 'dist'), { locale: config.locale }),
      authOn: deps.security.multiTenant,
    }),
    docsRoutes({
      info: { title: pkg.name, version: pkg.version },
      specs: deps.specs,
      locale: config.locale,
      scenarios: registry,
      auth: config.auth,
    }),
  ];
}
