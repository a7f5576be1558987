// gateway.yaml `webhooks` → the pieces, wired: address policy, HTTP poster, dispatcher, and the job binding.
// With no secret there is no dispatcher, and every request naming a webhook is refused with a 400 that says why.
import type { Config } from '../config.js';
import { createUrlPolicy } from '../images/url-policy.js';
import { typedJobDocument } from '../jobs/job-document.js';
import type { ImageUrlBuilder } from '../images/image-url.js';
import type { JobRecord, JobTracker } from '../jobs/tracker.js';
import type { Logger } from '../log.js';
import { createWebhookDispatcher } from './dispatcher.js';
import { createJobWebhooks, type JobWebhooks } from './job-webhooks.js';
import { createHttpPoster } from './post.js';
import { createOutboxDispatcher } from './outbox-dispatcher.js';
import type { StateStore } from '../store/types.js';

export interface WebhooksFromConfigDeps {
  config: Pick<Config, 'webhooks' | 'server'>;
  tracker: JobTracker;
  imageUrl: ImageUrlBuilder;
  log: Logger;
  /** A shared store keeps pending deliveries in its outbox; with the memory store they run in this process. */
  store?: StateStore;
  /** Tests shorten the waits between attempts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** The job's output deliveries have ended: a delivering job's webhook waits for it. */
  ready?: (job: JobRecord) => Promise<void>;
}

export function createWebhooksFromConfig(deps: WebhooksFromConfigDeps): JobWebhooks {
  const settings = deps.config.webhooks;
  const policy = createUrlPolicy({ allowHosts: settings.allow_hosts, allowCidrs: settings.allow_cidrs });
  const poster = settings.secret ? createHttpPoster({ timeoutMs: settings.timeout_ms, policy }) : undefined;
  const dispatchSettings = {
    maxAttempts: settings.max_attempts,
    initialDelayMs: settings.initial_delay_ms,
    maxDelayMs: settings.max_delay_ms,
    timeoutMs: settings.timeout_ms,
  };
  const shared = deps.store && deps.store.kind !== 'memory' ? deps.store : undefined;
  const dispatcher = !poster
    ? undefined
    : shared
      ? createOutboxDispatcher({ secret: settings.secret, settings: dispatchSettings, post: poster.post, outbox: shared.outbox(), log: deps.log })
      : createWebhookDispatcher({
          secret: settings.secret,
          settings: dispatchSettings,
          post: poster.post,
          log: deps.log,
          ...(deps.sleep ? { sleep: deps.sleep } : {}),
        });
  const webhooks = createJobWebhooks({
    tracker: deps.tracker,
    dispatcher,
    // The payload is the job's end; its delivery state is what the receiver is answering, so it stays out.
    document: (job, baseUrl) => {
      const { webhook: _delivery, ...document } = typedJobDocument(job, deps.imageUrl, baseUrl);
      return document;
    },
    publicUrl: deps.config.server.public_url,
    policy,
    log: deps.log,
    ...(deps.ready ? { ready: deps.ready } : {}),
  });
  return {
    ...webhooks,
    async stop() {
      const stopping = webhooks.stop();
      await poster?.destroy();
      await stopping;
    },
  };
}
