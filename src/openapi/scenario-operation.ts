// One scenario → `POST /api/v1/scenarios/{its route}`. The JSON body schema is the very object the scenario's
// validator compiled: referenced, never copied, so the two cannot disagree. A scenario with image fields also
// documents its multipart body, derived from that schema when the scenario compiled.
import type { ContentObject, MediaTypeObject, OperationObject, SchemaObject } from 'openapi3-ts/oas31';
import type { ErrorCode } from '../errors.js';
import type { JsonSchema } from '../http/json-schema.js';
import type { Locale } from '../i18n.js';
import { errorResponses, successEnvelope } from './envelope-schemas.js';
import type { ScenarioDocLike } from './scenario-source.js';
import { scenarioQuerySchema } from '../outputs/submit-query.js';
import { typedOutputSchema } from '../outputs/typed-output.js';

export const SCENARIO_PREFIX = '/api/v1/scenarios/';

const scenarioErrors: ErrorCode[] = [400, 413, 404, 1001, 1002, 1003, 500];

/** `data` of a scenario's success answer: one component shared by every scenario operation. */
export function scenarioResultSchema(): SchemaObject {
  return {
    type: 'object',
    required: ['scenario', 'params'],
    properties: {
      prompt_id: { type: 'string', description: 'The submitted job; follow it with GET /api/v1/jobs/{prompt_id}, its /events stream, or the WebSocket. Absent on a dry run.' },
      scenario: { type: 'string', description: 'The scenario that ran.' },
      params: {
        type: 'object',
        additionalProperties: true,
        description: 'The values applied, defaults filled in and random seeds drawn, so a result can be reproduced.',
      },
      client_id: { type: 'string', description: 'Your client_id, echoed when the body carried one.' },
      workflow: { type: 'object', description: 'Only on a dry run: the ComfyUI workflow that would have been submitted.' },
      version: { type: 'integer', description: 'Only on a dry run: the registry version of the scenario that built it.' },
      status: { type: 'string', description: 'Only with wait=true: queued, running, succeeded, failed or interrupted.' },
      outputs: {
        type: 'array',
        items: typedOutputSchema() as SchemaObject,
        description: 'Only with wait=true: the results, each a file with its kind, MIME type and download url, or a text.',
      },
      error: { type: ['object', 'null'], description: 'Only with wait=true: why the job failed.' },
    },
  };
}

/** The shared result, narrowed to the kinds of output the manifest promises (`outputs: {kinds}`). */
function resultSchemaOf(scenario: ScenarioDocLike): JsonSchema {
  const shared = { $ref: `#/components/schemas/${SCENARIO_RESULT}` };
  if (!scenario.outputKinds?.length) return shared;
  const outputs = { type: 'array', items: typedOutputSchema(scenario.outputKinds) };
  return { allOf: [shared, { type: 'object', properties: { outputs } }] };
}

export function scenarioPath(scenario: ScenarioDocLike): string {
  return scenario.route.startsWith('/') ? scenario.route : SCENARIO_PREFIX + scenario.route;
}

export const SCENARIO_RESULT = 'ScenarioResult';

/** The part types a file part may declare; the gateway goes by the bytes (it sniffs them) whatever is declared. */
const IMAGE_PART_TYPES = 'image/png, image/jpeg, image/webp, image/gif, image/bmp, image/tiff, application/octet-stream';

/** application/json always; multipart/form-data too when the scenario has image fields (their file parts). */
function requestContent(scenario: ScenarioDocLike, json: MediaTypeObject): ContentObject {
  if (!scenario.formSchema) return { 'application/json': json };
  const properties = (scenario.formSchema.properties ?? {}) as Record<string, SchemaObject>;
  const encoding = Object.fromEntries(
    Object.entries(properties)
      .filter(([, schema]) => schema.format === 'binary')
      .map(([name]) => [name, { contentType: IMAGE_PART_TYPES }]),
  );
  return {
    'application/json': json,
    'multipart/form-data': { schema: scenario.formSchema as SchemaObject, encoding },
  };
}

export function scenarioOperation(scenario: ScenarioDocLike, locale: Locale): OperationObject {
  const media: { schema: SchemaObject; example?: unknown } = { schema: scenario.requestSchema as SchemaObject };
  if (scenario.example !== undefined) media.example = scenario.example;
  const operation: OperationObject = {
    operationId: `scenario_${scenario.name.replace(/[^\w]/g, '_')}`,
    summary: scenario.summary ?? scenario.name,
    tags: scenario.tags?.length ? [...scenario.tags] : ['scenarios'],
    parameters: [
      {
        name: 'dry_run',
        in: 'query',
        required: false,
        description: 'Build and validate the workflow, return it, and submit nothing.',
        schema: { type: 'boolean', default: false },
      },
      // The same query schema the submit route documents and parseWaitQuery / requestedConversion enforce.
      ...Object.entries(scenarioQuerySchema(scenario).properties).map(([name, schema]) => ({
        name,
        in: 'query' as const,
        required: false,
        description: schema.description,
        schema: schema as SchemaObject,
      })),
      {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'Send the same key again (with the same body) to get the first answer back instead of a second job.',
        schema: { type: 'string', minLength: 1, maxLength: 255 },
      },
    ],
    requestBody: { required: true, content: requestContent(scenario, media) },
    responses: {
      '200': {
        description: scenario.message ? `Submitted; message: ${scenario.message}` : 'Submitted',
        content: { 'application/json': { schema: successEnvelope(resultSchemaOf(scenario)) } },
      },
      ...errorResponses(scenarioErrors, locale),
    },
  };
  if (scenario.description) operation.description = scenario.description;
  return operation;
}
