// The jobs a caller may see: GET /api/v1/jobs (newest first, filtered) and GET /api/v1/jobs/stream (the same list,
// then each change as it happens, as Server-Sent Events). A caller's key lists only its own jobs; an admin key, or
// a gateway without keys, lists everyone's. Declared before /api/v1/jobs/{prompt_id}, which `stream` would match.
import { defineRoute, type AnyRoute } from '../http/define-route.js';
import { ok, stateOf } from '../http/envelope.js';
import { originOf } from '../http/origin.js';
import { jobDocumentSchema } from '../jobs/job-document.js';
import { sendEventStream } from '../http/event-stream.js';
import type { JobFeed, JobFilter } from '../jobs/job-feed.js';

interface ListQuery extends JobFilter {
  limit?: number;
}

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    scenario: { type: 'string', maxLength: 200, description: 'Only jobs of this scenario' },
    status: { type: 'string', enum: jobDocumentSchema.properties.status.enum, description: 'Only jobs in this status' },
    caller: { type: 'string', maxLength: 200, description: 'Only jobs of this API key name (useful to admin keys)' },
    backend: { type: 'string', maxLength: 200, description: 'Only jobs that ran on this backend' },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 200, description: 'At most this many (newest first)' },
  },
};

const summarySchema = {
  ...jobDocumentSchema,
  properties: {
    ...jobDocumentSchema.properties,
    caller: { type: ['string', 'null'], description: 'The API key name that submitted it; null with auth off' },
  },
};

function filterOf(query: ListQuery): JobFilter {
  const { scenario, status, caller, backend } = query;
  return {
    ...(scenario !== undefined ? { scenario } : {}),
    ...(status !== undefined ? { status } : {}),
    ...(caller !== undefined ? { caller } : {}),
    ...(backend !== undefined ? { backend } : {}),
  };
}

export function jobListRoutes(feed: JobFeed): AnyRoute[] {
  const list = defineRoute<unknown, ListQuery>({
    method: 'get',
    path: '/api/v1/jobs',
    operationId: 'listJobs',
    summary: 'Recent jobs, newest first',
    description:
      'The jobs submitted through this gateway (every process of it, with the Redis store) that it still ' +
      'remembers (the latest 1000), newest first, each as its job ' +
      'document plus `caller`. A caller\'s key lists only its own jobs; an admin key lists all.',
    tags: ['jobs'],
    query: listQuery,
    response: { type: 'object', required: ['jobs'], properties: { jobs: { type: 'array', items: summarySchema } } },
    errors: [400],
    async handler(ctx, { query }) {
      const jobs = await feed.list(stateOf(ctx).caller, filterOf(query), query.limit ?? 200, originOf(ctx));
      ok(ctx, { jobs });
    },
  });

  const stream = defineRoute<unknown, ListQuery>({
    method: 'get',
    path: '/api/v1/jobs/stream',
    operationId: 'streamJobs',
    summary: 'Recent jobs, then every change, as Server-Sent Events',
    description:
      'First `jobs` (the list `GET /api/v1/jobs` would answer), then `job` (one job\'s summary) each time a job ' +
      'that matches the filter is submitted, starts, progresses or ends, and `gone` ({prompt_id}) when a job it ' +
      'showed no longer matches (a running job that ended has left `status=running`). A comment ' +
      'line every 15 s keeps the connection alive. Same filters and the same visibility as the list.',
    tags: ['jobs'],
    query: listQuery,
    rawResponse: { contentTypes: ['text/event-stream'], description: 'event: jobs | job | gone\\ndata: <JSON>\\n\\n, …' },
    errors: [400],
    async handler(ctx, { query }) {
      const events = await feed.stream(stateOf(ctx).caller, filterOf(query), query.limit ?? 200, originOf(ctx));
      sendEventStream(ctx, events);
    },
  });

  return [list, stream];
}
