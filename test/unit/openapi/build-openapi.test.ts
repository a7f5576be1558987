// The document built from route specs and scenarios is valid OpenAPI 3.1 and describes what the gateway does.
import { Validator } from '@seriousme/openapi-schema-validator';
import type { OperationObject, ParameterObject, ReferenceObject, SchemaObject } from 'openapi3-ts/oas31';
import { describe, expect, it } from 'vitest';
import type { RouteSpec } from '../../../src/http/define-route.js';
import { buildOpenApi } from '../../../src/openapi/build-openapi.js';
import type { ScenarioDocLike } from '../../../src/openapi/scenario-source.js';

const historyParams = {
  type: 'object',
  required: ['prompt_id'],
  properties: { prompt_id: { type: 'string', description: 'The job' } },
};
const uploadBody = {
  type: 'object',
  required: ['image'],
  properties: { image: { type: 'string', format: 'binary' }, overwrite: { type: 'boolean' } },
};

const specs: RouteSpec[] = [
  {
    method: 'get',
    path: '/api/v1/workflows/{prompt_id}/history',
    operationId: 'workflowHistory',
    summary: 'History of one prompt',
    tags: ['workflows'],
    params: historyParams,
    query: { type: 'object', properties: { wait: { type: 'integer', minimum: 0 } } },
    response: { type: 'object', properties: { prompt_id: { type: 'string' }, outputs: { type: 'object' } } },
    errors: [404, 1001],
  },
  {
    method: 'post',
    path: '/api/v1/images/upload',
    operationId: 'uploadImage',
    summary: 'Upload an image',
    tags: ['images'],
    body: uploadBody,
    bodyType: 'multipart',
    response: { type: 'object', properties: { name: { type: 'string' } } },
    errors: [1003],
  },
  {
    method: 'get',
    path: '/api/v1/images/{filename}',
    operationId: 'downloadImage',
    summary: 'Download an image',
    tags: ['images'],
    access: 'public',
    params: { type: 'object', properties: { filename: { type: 'string' } } },
    rawResponse: { contentTypes: ['image/png', 'image/webp'], description: 'The image bytes' },
    errors: [404, 1001],
  },
];

// A scenario's schema as a manifest compiles it: the non-OpenAPI keys (`to`, `random_if`) stay in.
const cpuSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['prompt'],
  properties: {
    prompt: { type: 'string', minLength: 1, description: '正向提示词', to: '3.inputs.text' },
    seed: { type: 'integer', minimum: -1, default: -1, random_if: -1, to: ['6.inputs.seed'] },
    denoise: { type: 'number', minimum: 0, maximum: 1, default: 0.6 },
  },
};
const scenarios: ScenarioDocLike[] = [
  {
    name: 'cpu_quickly',
    route: 'cpu_quickly',
    summary: 'CPU Quickly 图生图',
    description: 'SD 1.5 image-to-image, tuned to run on a CPU.',
    tags: ['img2img'],
    requestSchema: cpuSchema,
    example: { prompt: 'a sunset' },
    message: '图生图任务已提交',
  },
  { name: 'bare', route: 'bare', requestSchema: { type: 'object', properties: {} } },
];

const info = { title: 'gateway', version: '1.2.3' };

async function validate(doc: object) {
  const result = await new Validator().validate(doc as Record<string, unknown>);
  return result;
}

describe('buildOpenApi', () => {
  const doc = buildOpenApi({ info, specs, scenarios, locale: 'en' });
  const op = (path: string, method: 'get' | 'post') => doc.paths?.[path]?.[method] as OperationObject;
  type Responses = Record<string, { description: string; content: Record<string, { schema?: unknown }> }>;
  const responses = (path: string, method: 'get' | 'post') => op(path, method).responses as Responses;

  it('is valid OpenAPI 3.1, with and without scenarios', async () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(await validate(doc)).toEqual({ valid: true });
    expect(await validate(buildOpenApi({ info, specs: [] }))).toEqual({ valid: true });
  });

  it('the validator can fail: a broken document is refused', async () => {
    const broken = structuredClone(doc) as unknown as Record<string, unknown>;
    delete broken.info;
    expect((await validate(broken)).valid).toBe(false);
  });

  it('has a relative server and the envelope with the code table in the introduction', () => {
    expect(doc.servers).toEqual([{ url: '/' }]);
    expect(doc.info.description).toContain('| 1002 |');
    expect(doc.info.description).toContain('"code": 200');
  });

  it('turns path and query schemas into parameters, keeping the schema objects', () => {
    const params = op('/api/v1/workflows/{prompt_id}/history', 'get').parameters as ParameterObject[];
    expect(params.map((p) => [p.name, p.in, p.required])).toEqual([
      ['prompt_id', 'path', true],
      ['wait', 'query', false],
    ]);
    expect(params[0]!.schema).toBe(historyParams.properties.prompt_id);
    expect(params[0]!.description).toBe('The job');
  });

  it('wraps the response schema in the envelope and refers errors to one ErrorEnvelope', () => {
    const history = responses('/api/v1/workflows/{prompt_id}/history', 'get');
    const ok = history['200']!.content['application/json']!.schema as SchemaObject;
    expect(ok.properties?.data).toBe(specs[0]!.response);
    expect(Object.keys(history).sort()).toEqual(['200', '400', '404', '500', '502', '503']);
    expect(history['502']!.content['application/json']!.schema).toEqual({
      $ref: '#/components/schemas/ErrorEnvelope',
    });
    const envelope = doc.components?.schemas?.ErrorEnvelope as SchemaObject;
    expect(Object.keys(envelope.properties ?? {})).toEqual(['code', 'message', 'data', 'details']);
  });

  it('documents a multipart body and raw responses with their media types', () => {
    const upload = op('/api/v1/images/upload', 'post');
    expect(upload.requestBody).toEqual({ required: true, content: { 'multipart/form-data': { schema: uploadBody } } });
    // 1003 shares status 400 with 400, and is also sent as 500.
    expect(responses('/api/v1/images/upload', 'post')['400']!.description).toMatch(/^400: .*; 1003: /);
    const download = responses('/api/v1/images/{filename}', 'get');
    expect(Object.keys(download['200']!.content)).toEqual(['image/png', 'image/webp']);
  });

  it('has one POST per scenario whose body schema is the validator\'s own object, with the example', () => {
    const cpu = op('/api/v1/scenarios/cpu_quickly', 'post');
    const media = (cpu.requestBody as { content: Record<string, { schema: unknown; example: unknown }> }).content[
      'application/json'
    ]!;
    expect(media.schema).toBe(cpuSchema);
    expect(media.example).toEqual({ prompt: 'a sunset' });
    expect(cpu.tags).toEqual(['img2img']);
    expect((cpu.parameters as ParameterObject[]).map((p) => p.name)).toEqual(['dry_run', 'wait', 'timeout', 'output', 'Idempotency-Key']);
    const cpuOk = responses('/api/v1/scenarios/cpu_quickly', 'post')['200']!;
    const ok = cpuOk.content['application/json']!.schema as SchemaObject;
    expect((ok.properties?.data as ReferenceObject).$ref).toBe('#/components/schemas/ScenarioResult');
    expect(cpuOk.description).toContain('图生图任务已提交');
    expect(op('/api/v1/scenarios/bare', 'post').tags).toEqual(['scenarios']);
  });

  it('leaves out a spec documented elsewhere (the one route every scenario runs through)', () => {
    const run: RouteSpec = { method: 'post', path: '/api/v1/scenarios/{name}', operationId: 'runScenario', summary: 'run', tags: ['scenarios'], undocumented: true };
    const withRun = buildOpenApi({ info, specs: [...specs, run], scenarios });
    expect(withRun.paths?.['/api/v1/scenarios/{name}']).toBeUndefined();
    expect(withRun.paths?.['/api/v1/scenarios/cpu_quickly']?.post).toBeDefined();
  });

  it('does not touch the schemas it documents', () => {
    const before = JSON.stringify([specs, scenarios]);
    buildOpenApi({ info, specs, scenarios });
    expect(JSON.stringify([specs, scenarios])).toBe(before);
  });

  it('lists every tag once, in order of appearance', () => {
    expect(doc.tags?.map((t) => t.name)).toEqual(['workflows', 'images', 'img2img', 'scenarios']);
  });

  it('marks operations as needing a key exactly where their declared access says so', async () => {
    const secured = buildOpenApi({ info, specs, scenarios, security: { isOpen: (access) => access === 'public' } });
    expect(secured.components?.securitySchemes).toHaveProperty('ApiKey');
    expect(secured.security).toEqual([{ ApiKey: [] }, { BearerKey: [] }]);
    // Templated paths are asked about with a sample value in place of each parameter.
    expect(secured.paths?.['/api/v1/images/{filename}']?.get?.security).toEqual([]);
    expect(secured.paths?.['/api/v1/images/upload']?.post?.security).toBeUndefined();
    expect(secured.paths?.['/api/v1/images/upload']?.post?.responses).toHaveProperty('401');
    expect(secured.paths?.['/api/v1/images/{filename}']?.get?.responses).not.toHaveProperty('401');
    // Scenario runs are keyed routes.
    expect(secured.paths?.['/api/v1/scenarios/cpu_quickly']?.post?.responses).toHaveProperty('401');
    expect(await validate(secured)).toEqual({ valid: true });
    expect(doc.security).toBeUndefined();
  });
});
