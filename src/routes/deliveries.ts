// POST /api/v1/jobs/{prompt_id}/deliveries/retry: starts a job's failed output deliveries again (a bucket that
// refused writes accepts them now). The gateway kept its copy of every file not yet delivered, so nothing is lost.
import type { RouteGroup } from '../app.js';
import { fail } from '../errors.js';
import { defineRoute } from '../http/define-route.js';
import { ok, stateOf } from '../http/envelope.js';
import { message } from '../i18n.js';
import type { JobRecord } from '../jobs/tracker.js';
import type { OutputDeliveries } from '../outputs/delivery.js';
import { maySee } from '../security/caller.js';

export interface DeliveryRouteDeps {
  deliveries: Pick<OutputDeliveries, 'retry'>;
  /** The job (remembered, or rebuilt from ComfyUI). */
  findJob: (promptId: string) => Promise<JobRecord | undefined>;
}

export function deliveryRoutes(deps: DeliveryRouteDeps): RouteGroup {
  const retry = defineRoute<unknown, Record<string, unknown>, { prompt_id: string }>({
    method: 'post',
    path: '/api/v1/jobs/{prompt_id}/deliveries/retry',
    operationId: 'retryJobDeliveries',
    summary: "Deliver a job's outputs again where the delivery failed",
    description:
      'Every delivery of the job whose state is `failed` goes back to `pending` and is tried again, with the same ' +
      'backoff and attempts as the first time; delivered ones are left alone. `retried` counts them (0: nothing ' +
      'had failed). Follow the states in GET /api/v1/jobs/{prompt_id} (outputs[].deliveries).',
    tags: ['jobs'],
    params: {
      type: 'object',
      required: ['prompt_id'],
      properties: { prompt_id: { type: 'string', minLength: 1, maxLength: 200 } },
    },
    response: {
      type: 'object',
      required: ['prompt_id', 'retried'],
      properties: { prompt_id: { type: 'string' }, retried: { type: 'integer', minimum: 0 } },
    },
    errors: [404],
    async handler(ctx, { params }) {
      const job = await deps.findJob(params.prompt_id);
      if (!job || !maySee(stateOf(ctx).caller, job.owner)) {
        throw fail.notFound(message('what.job', { id: params.prompt_id }));
      }
      ok(ctx, { prompt_id: job.promptId, retried: deps.deliveries.retry(job.promptId) }, 'job.deliveries_retried');
    },
  });
  return { name: 'jobs', routes: [retry] };
}
