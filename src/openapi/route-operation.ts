// One static route's RouteSpec → its OpenAPI operation. The spec's schema objects are referenced as they are
// (the validator compiled the same objects, so the docs cannot drift from what is checked); nothing here copies or
// edits them.
import type { ContentObject, OperationObject, ParameterObject, ResponsesObject, SchemaObject } from 'openapi3-ts/oas31';
import type { ErrorCode } from '../errors.js';
import type { RouteSpec } from '../http/define-route.js';
import type { JsonSchema } from '../http/json-schema.js';
import type { Locale } from '../i18n.js';
import { errorResponses, successEnvelope } from './envelope-schemas.js';

export function routeOperation(spec: RouteSpec, locale: Locale): OperationObject {
  const operation: OperationObject = {
    operationId: spec.operationId,
    summary: spec.summary,
    tags: [...spec.tags],
    parameters: [...parametersOf(spec.params, 'path'), ...parametersOf(spec.query, 'query')],
    responses: responsesOf(spec, locale),
  };
  if (spec.description) operation.description = spec.description;
  if (spec.body) {
    const mediaType = spec.bodyType === 'multipart' ? 'multipart/form-data' : 'application/json';
    operation.requestBody = { required: true, content: { [mediaType]: { schema: spec.body as SchemaObject } } };
  }
  if (operation.parameters?.length === 0) delete operation.parameters;
  return operation;
}

/** Each property of an object schema becomes one parameter; path parameters are always required. */
export function parametersOf(schema: JsonSchema | undefined, where: 'path' | 'query'): ParameterObject[] {
  const properties = (schema?.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema?.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const parameter: ParameterObject = {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      schema: property as SchemaObject,
    };
    if (typeof property.description === 'string') parameter.description = property.description;
    return parameter;
  });
}

function responsesOf(spec: RouteSpec, locale: Locale): ResponsesObject {
  const success = spec.rawResponse
    ? { description: spec.rawResponse.description, content: rawContent(spec.rawResponse.contentTypes) }
    : { description: 'Success', content: { 'application/json': { schema: successEnvelope(spec.response) } } };
  return { '200': success, ...errorResponses(errorCodesOf(spec), locale) };
}

/** The codes a route declares, plus what every route of that shape can answer anyway. */
function errorCodesOf(spec: RouteSpec): ErrorCode[] {
  const implied: ErrorCode[] = [500];
  if (spec.params || spec.query || spec.body) implied.push(400);
  if (spec.body) implied.push(413);
  return [...(spec.errors ?? []), ...implied];
}

/** Raw bodies: JSON stays an object, text-like types a string, anything else (images) binary with no schema. */
export function rawContent(contentTypes: readonly string[]): ContentObject {
  const content: ContentObject = {};
  for (const type of contentTypes) {
    if (/[/+]json\b/.test(type)) content[type] = { schema: { type: 'object' } };
    else if (/^text\/|javascript|css|xml/.test(type)) content[type] = { schema: { type: 'string' } };
    else content[type] = {};
  }
  return content;
}
