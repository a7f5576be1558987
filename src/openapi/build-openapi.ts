// The OpenAPI 3.1 document: every static route from its RouteSpec, one operation per scenario of a registry
// snapshot, the shared error envelope and the code table. A pure function of its input: the caller caches the
// result per snapshot (src/openapi/openapi-document.ts).
import { OpenApiBuilder, type OpenAPIObject, type OperationObject, type PathItemObject } from 'openapi3-ts/oas31';
import type { RouteSpec } from '../http/define-route.js';
import type { Access } from '../http/route-facts.js';
import type { Locale } from '../i18n.js';
import { ERROR_ENVELOPE, envelopeDescription, errorEnvelopeSchema, errorResponses } from './envelope-schemas.js';
import { routeOperation } from './route-operation.js';
import { SCENARIO_RESULT, scenarioOperation, scenarioPath, scenarioResultSchema } from './scenario-operation.js';
import { scenarioList, type ScenarioSnapshotLike } from './scenario-source.js';

export interface OpenApiInfo {
  title: string;
  version: string;
  /** Shown above the envelope description. */
  description?: string;
}

export interface BuildOpenApiInput {
  info: OpenApiInfo;
  specs: readonly RouteSpec[];
  scenarios?: ScenarioSnapshotLike['scenarios'];
  /** Language of the example error messages (the gateway's configured locale). */
  locale?: Locale;
  /**
   * When API keys are required: which access needs no key (the guards' own rule). Every other operation (scenario
   * runs included: their access is `key`) is documented as needing `X-API-Key` or `Authorization: Bearer`, and
   * Swagger UI offers an Authorize button.
   */
  security?: { isOpen(access: Access | undefined): boolean };
  /** Descriptions of tags, shown as section introductions. */
  tagDescriptions?: Readonly<Record<string, string>>;
}

const API_KEY = 'ApiKey';
const BEARER = 'BearerKey';

const defaultTagDescriptions: Record<string, string> = {
  scenarios: 'Scenario routes: a few fields in, a ComfyUI job out. One operation per manifest in scenarios/.',
};

export function buildOpenApi(input: BuildOpenApiInput): OpenAPIObject {
  const locale = input.locale ?? 'zh-CN';
  const builder = OpenApiBuilder.create({
    openapi: '3.1.0',
    info: {
      title: input.info.title,
      version: input.info.version,
      description: [input.info.description, envelopeDescription()].filter(Boolean).join('\n\n'),
    },
    // Relative: the document is right wherever the gateway is reached (proxy, container, localhost).
    servers: [{ url: '/' }],
    paths: {},
    components: {},
  });
  builder.addSchema(ERROR_ENVELOPE, errorEnvelopeSchema());

  const operations: [string, PathItemObject, Access | undefined][] = input.specs
    .filter((spec) => !spec.undocumented)
    .map((spec) => [spec.path, { [spec.method]: routeOperation(spec, locale) }, spec.access]);
  const scenarios = scenarioList(input.scenarios ?? []);
  if (scenarios.length > 0) builder.addSchema(SCENARIO_RESULT, scenarioResultSchema());
  for (const scenario of scenarios) {
    operations.push([scenarioPath(scenario), { post: scenarioOperation(scenario, locale) }, 'key']);
  }
  if (input.security) addSecuritySchemes(builder);
  // addPath merges the methods of one path; tags are listed in the order they first appear.
  const tags = new Set<string>();
  for (const [path, item, access] of operations) {
    for (const operation of Object.values(item) as OperationObject[]) {
      operation.tags?.forEach((tag) => tags.add(tag));
      // The document-wide requirement applies to the rest; an empty list says "no credentials".
      if (!input.security) continue;
      if (input.security.isOpen(access)) operation.security = [];
      else operation.responses = { ...operation.responses, ...errorResponses([401], locale) };
    }
    builder.addPath(path, item);
  }
  const descriptions = { ...defaultTagDescriptions, ...input.tagDescriptions };
  for (const name of tags) {
    builder.addTag(Object.hasOwn(descriptions, name) ? { name, description: descriptions[name] } : { name });
  }
  return builder.getSpec();
}

function addSecuritySchemes(builder: OpenApiBuilder): void {
  builder.addSecurityScheme(API_KEY, {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
    description: 'One of the keys in auth.api_keys (gateway.yaml).',
  });
  builder.addSecurityScheme(BEARER, { type: 'http', scheme: 'bearer', description: 'The same key as a bearer token.' });
  builder.rootDoc.security = [{ [API_KEY]: [] }, { [BEARER]: [] }];
}
